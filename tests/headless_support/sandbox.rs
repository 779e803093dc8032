//! A place to run the binary in: config and data dirs in a temp dir that outlive each run (the
//! journal and canary plans live there), a `.databrickscfg` of its own (absent until profiles
//! are written), and an environment cleared of the machine's Databricks and console settings.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

use super::{OK, Out, canary_plan};

pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Default for Sandbox {
    fn default() -> Sandbox {
        Sandbox::new()
    }
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        Sandbox { dir }
    }

    /// `name` inside the sandbox.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn data(&self) -> PathBuf {
        self.path("data")
    }

    /// Writes the console's `config.toml`.
    pub fn write_config(&self, text: &str) {
        std::fs::write(self.path("config/config.toml"), text).unwrap();
    }

    /// Writes the `.databrickscfg`: one `(profile, host, token)` a section.
    pub fn write_profiles(&self, profiles: &[(&str, &str, &str)]) {
        let text: Vec<String> = profiles
            .iter()
            .map(|(name, host, token)| format!("[{name}]\nhost = {host}\ntoken = {token}\n"))
            .collect();
        std::fs::write(self.path("databrickscfg"), text.join("\n")).unwrap();
    }

    /// Writes `text` to `name` in the sandbox and gives its path as an argument.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    }

    /// The audit journal as written so far ("" when there is none).
    pub fn journal(&self) -> String {
        std::fs::read_to_string(self.data().join("audit.jsonl")).unwrap_or_default()
    }

    pub fn journal_lines(&self) -> usize {
        self.journal().lines().count()
    }

    /// Runs the binary as `profile` (of the sandbox's `.databrickscfg`) with `args`.
    pub async fn run_as(&self, profile: &str, args: &[&str]) -> Out {
        let argv: Vec<&str> = ["--profile", profile].iter().chain(args).copied().collect();
        self.run(&argv).await
    }

    /// Writes a [`canary_plan`] through `steps` and runs it on churn-prod as `profile` to its
    /// end (`--wait --yes`, then `extra`), which must be a success.
    pub async fn canary_to_end(&self, profile: &str, steps: &str, extra: &[&str]) -> Out {
        let plan = self.file("plan.toml", &canary_plan(steps));
        let args = ["canary", "churn-prod", "--plan", &plan, "--wait", "--yes"];
        let out = self.run_as(profile, &[&args[..], extra].concat()).await;
        assert_eq!(out.code, OK, "{}\n{}", out.stdout, out.stderr);
        out
    }

    /// Runs the binary with `args`.
    pub async fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Out {
        self.run_with_env(&[], args).await
    }

    /// Runs the binary with `args` and the variables `env` set (on the blocking pool: the
    /// simulator runs on the test's runtime).
    pub async fn run_with_env<S: AsRef<OsStr>>(&self, env: &[(&str, &str)], args: &[S]) -> Out {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlops-console"));
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy();
            if k.starts_with("DATABRICKS_") || k.starts_with("MLOPS_CONSOLE_") {
                cmd.env_remove(k.as_ref());
            }
        }
        let root = self.dir.path();
        cmd.env("DATABRICKS_CONFIG_FILE", root.join("databrickscfg"))
            .env("MLOPS_CONSOLE_CONFIG_DIR", root.join("config"))
            .env("MLOPS_CONSOLE_DATA_DIR", root.join("data"))
            .env("HOME", root)
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .args(args);
        let out = tokio::task::spawn_blocking(move || cmd.output().expect("the binary runs"))
            .await
            .unwrap();
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}
