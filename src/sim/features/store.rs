//! What the simulated feature store keeps: feature tables (their Delta history is derived, see
//! `delta`), online stores, synced tables with the times their syncs were asked for (their
//! state follows from those and the clock, see `sync`), and legacy online tables.

use crate::api::models::feature_store::PublishMode;

/// A stable UUID-shaped id for a name (FNV-1a, twice).
pub(crate) fn id_of(salt: &str, name: &str) -> String {
    let h = |seed: u64| {
        salt.bytes().chain(name.bytes()).fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let (a, b) = (h(0xcbf2_9ce4_8422_2325), h(0x8422_2325_cbf2_9ce4));
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// The sync pipeline of an online table.
pub(crate) fn pipeline_id_of(online_table: &str) -> String {
    id_of("pipeline:", online_table)
}

/// A column: name, SQL type, comment (empty: none).
#[derive(Debug, Clone)]
pub(crate) struct SimColumn {
    pub name: &'static str,
    pub type_text: &'static str,
    pub comment: &'static str,
}

#[derive(Debug, Clone)]
pub(crate) struct SimFeatureTable {
    pub full_name: String,
    pub comment: &'static str,
    pub owner: &'static str,
    pub created_at: i64,
    pub columns: Vec<SimColumn>,
    pub primary_key: Vec<&'static str>,
    /// The time-series key (one of `primary_key`).
    pub timeseries: Option<&'static str>,
    pub rows: i64,
    /// `delta.enableChangeDataFeed`: CONTINUOUS and TRIGGERED publishing need it.
    pub change_data_feed: bool,
    /// Daily loads were written up to this time (before the job's run history).
    pub daily_until: Option<i64>,
    /// Unity Catalog tags (key, value; an empty value: a tag without one). `None`: the
    /// caller may not read them (the entity tag API answers 403).
    pub tags: Option<Vec<(&'static str, &'static str)>>,
}

impl SimFeatureTable {
    /// `(catalog, schema, table)`.
    pub fn parts(&self) -> (&str, &str, &str) {
        let mut p = self.full_name.splitn(3, '.');
        (
            p.next().unwrap_or(""),
            p.next().unwrap_or(""),
            p.next().unwrap_or(""),
        )
    }

    pub fn schema_full_name(&self) -> String {
        let (c, s, _) = self.parts();
        format!("{c}.{s}")
    }
}

/// Which Lakebase API an online store's synced tables are read through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    /// Provisioned: `/api/2.0/database/…`.
    Database,
    /// Autoscaling: `/api/2.0/postgres/…`.
    Postgres,
}

#[derive(Debug, Clone)]
pub(crate) struct SimOnlineStore {
    pub name: String,
    pub capacity: String,
    pub read_replicas: i64,
    pub state: String,
    pub backend: Backend,
    pub created_at: i64,
}

/// A table published to an online store.
#[derive(Debug, Clone)]
pub(crate) struct SimSynced {
    pub name: String,
    pub source: String,
    pub store: String,
    pub mode: PublishMode,
    pub created_at: i64,
    pub primary_keys: Vec<String>,
    pub timeseries_key: Option<String>,
    /// Set when the store is known (seeded and published ones).
    pub pipeline_id: String,
    /// When syncs were asked for (TRIGGERED and SNAPSHOT), oldest first.
    pub triggers: Vec<i64>,
}

impl SimSynced {
    pub fn new(
        name: &str,
        source: &str,
        store: &str,
        mode: PublishMode,
        created_at: i64,
        keys: &[&str],
        ts: Option<&str>,
    ) -> SimSynced {
        SimSynced {
            name: name.to_string(),
            source: source.to_string(),
            store: store.to_string(),
            mode,
            created_at,
            primary_keys: keys.iter().map(|k| k.to_string()).collect(),
            timeseries_key: ts.map(str::to_string),
            pipeline_id: pipeline_id_of(name),
            triggers: Vec::new(),
        }
    }
}

/// A legacy online table, synced once (`synced_as_of`) and never again.
#[derive(Debug, Clone)]
pub(crate) struct SimLegacyTable {
    pub name: String,
    pub source: String,
    pub synced_as_of: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct SimStore {
    pub tables: Vec<SimFeatureTable>,
    pub stores: Vec<SimOnlineStore>,
    pub synced: Vec<SimSynced>,
    pub legacy: Vec<SimLegacyTable>,
    /// Counter of pipelines made by publishing during the session.
    pub next_pipeline: i64,
}

impl SimStore {
    pub fn table(&self, full_name: &str) -> Option<&SimFeatureTable> {
        self.tables
            .iter()
            .find(|t| t.full_name.eq_ignore_ascii_case(full_name))
    }

    pub fn online_store(&self, name: &str) -> Option<&SimOnlineStore> {
        self.stores.iter().find(|s| s.name == name)
    }

    pub fn synced(&self, name: &str) -> Option<&SimSynced> {
        self.synced
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// The backend of the store a synced table lives in.
    pub fn backend_of(&self, s: &SimSynced) -> Backend {
        self.online_store(&s.store)
            .map_or(Backend::Database, |o| o.backend)
    }
}
