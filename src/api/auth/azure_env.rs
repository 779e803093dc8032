//! Azure clouds and the Azure Databricks application, as the Databricks SDKs know them
//! (`environments.py`): the workspace's DNS zone decides the cloud, hence the Entra ID authority
//! to sign in at and the application id to ask a token for.

/// The application id of Azure Databricks: the resource (audience) of its tokens.
pub const AZURE_DATABRICKS_APP_ID: &str = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";

/// One Azure cloud's endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AzureCloud {
    /// As `ARM_ENVIRONMENT` / `azure_environment` names it.
    pub name: &'static str,
    /// The Entra ID authority, with a trailing slash.
    pub login_endpoint: &'static str,
    /// The resource of Azure management tokens.
    pub management_endpoint: &'static str,
}

pub const PUBLIC: AzureCloud = AzureCloud {
    name: "PUBLIC",
    login_endpoint: "https://login.microsoftonline.com/",
    management_endpoint: "https://management.core.windows.net/",
};

pub const US_GOVERNMENT: AzureCloud = AzureCloud {
    name: "USGOVERNMENT",
    login_endpoint: "https://login.microsoftonline.us/",
    management_endpoint: "https://management.core.usgovcloudapi.net/",
};

pub const CHINA: AzureCloud = AzureCloud {
    name: "CHINA",
    login_endpoint: "https://login.chinacloudapi.cn/",
    management_endpoint: "https://management.core.chinacloudapi.cn/",
};

/// Azure Databricks DNS zones, most specific first, with their cloud and application id.
const ZONES: &[(&str, AzureCloud, &str)] = &[
    (
        ".dev.azuredatabricks.net",
        PUBLIC,
        "62a912ac-b58e-4c1d-89ea-b2dbfc7358fc",
    ),
    (
        ".staging.azuredatabricks.net",
        PUBLIC,
        "4a67d088-db5c-48f1-9ff2-0aace800ae68",
    ),
    (".azuredatabricks.net", PUBLIC, AZURE_DATABRICKS_APP_ID),
    (
        ".databricks.azure.us",
        US_GOVERNMENT,
        AZURE_DATABRICKS_APP_ID,
    ),
    (".databricks.azure.cn", CHINA, AZURE_DATABRICKS_APP_ID),
];

/// The cloud and application id of an Azure Databricks workspace host (`adb-1.2.azuredatabricks.net`
/// or a URL of it); `None` for any other host.
pub fn for_host(host: &str) -> Option<(AzureCloud, &'static str)> {
    let name = host_name(host);
    ZONES
        .iter()
        .find(|(zone, _, _)| name.ends_with(zone))
        .map(|(_, cloud, app)| (*cloud, *app))
}

/// Whether `host` is an Azure Databricks workspace by its name.
pub fn is_azure_host(host: &str) -> bool {
    for_host(host).is_some()
}

/// The cloud `ARM_ENVIRONMENT` names: `PUBLIC`, `USGOVERNMENT`, `CHINA`, also in the older
/// `AzurePublicCloud` form, any case.
pub fn cloud_named(name: &str) -> Option<AzureCloud> {
    let upper = name.trim().to_ascii_uppercase();
    let bare = upper.strip_prefix("AZURE").unwrap_or(&upper);
    let bare = bare.strip_suffix("CLOUD").unwrap_or(bare);
    [PUBLIC, US_GOVERNMENT, CHINA]
        .into_iter()
        .find(|c| c.name == bare)
}

/// The host name of a host or URL, lower-cased, without port or path.
fn host_name(host: &str) -> String {
    let rest = host.split_once("://").map_or(host, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let name = authority.split(':').next().unwrap_or(authority);
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_pick_cloud_and_application() {
        let (cloud, app) = for_host("https://adb-123.4.azuredatabricks.net/").unwrap();
        assert_eq!((cloud, app), (PUBLIC, AZURE_DATABRICKS_APP_ID));
        let (cloud, app) = for_host("adb-1.staging.azuredatabricks.net:443").unwrap();
        assert_eq!(cloud, PUBLIC);
        assert_eq!(app, "4a67d088-db5c-48f1-9ff2-0aace800ae68");
        assert_eq!(
            for_host("https://X.databricks.azure.us").unwrap().0,
            US_GOVERNMENT
        );
        assert_eq!(for_host("https://x.databricks.azure.cn").unwrap().0, CHINA);
        assert!(for_host("https://dbc-1.cloud.databricks.com").is_none());
        assert!(for_host("http://127.0.0.1:5000").is_none());
        // A look-alike in the path or user-info is not the host.
        assert!(for_host("https://evil.example/x.azuredatabricks.net").is_none());
    }

    #[test]
    fn environment_names_as_the_sdk_reads_them() {
        assert_eq!(cloud_named("public"), Some(PUBLIC));
        assert_eq!(cloud_named("AzureUSGovernmentCloud"), Some(US_GOVERNMENT));
        assert_eq!(cloud_named("AzureChinaCloud"), Some(CHINA));
        assert_eq!(cloud_named("germany"), None);
    }
}
