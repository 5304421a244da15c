//! Seeded, deterministic demo data: the same seed and size always give the same records.

use serde::Serialize;

/// How much demo data to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DataSize {
    Small,
    #[default]
    Default,
    Large,
}

impl std::str::FromStr for DataSize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "small" => Ok(Self::Small),
            "default" => Ok(Self::Default),
            "large" => Ok(Self::Large),
            _ => Err("expected small, default or large".into()),
        }
    }
}

impl DataSize {
    fn clusters(self) -> usize {
        match self {
            Self::Small => 4,
            Self::Default => 12,
            Self::Large => 60,
        }
    }
}

/// splitmix64: tiny, good enough for demo data, and stable across platforms and versions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// 32 lower-case hex characters, like the cloud's ids.
    pub fn hex_id(&mut self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }

    pub fn uuid(&mut self) -> String {
        let h = self.hex_id();
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    }
}

/// 2025-01-01T00:00:00Z in epoch milliseconds: seeded times are spread after it.
pub const EPOCH_MS: i64 = 1_735_689_600_000;
const DAY_MS: i64 = 86_400_000;

#[derive(Clone, Debug, Serialize)]
pub struct Cluster {
    pub id: String,
    pub cluster_name: String,
    pub cluster_id: String,
    pub cluster_type: String,
    pub status: String,
    pub version: String,
    pub total_nodes_number: i32,
    pub active_nodes_number: i32,
    pub creation_timestamp: i64,
    pub agent_installed_num: i32,
    pub agent_install_failed_num: i32,
    pub agent_not_install_num: i32,
    pub agent_ds_install_status: String,
    pub agent_ds_failed_reason: String,
    pub last_operate_timestamp: i64,
    pub last_scan_time: i64,
    pub sys_vul_num: i32,
    pub app_vul_num: i32,
    pub emg_vul_num: i32,
    pub risk_assess_num: i32,
    pub sec_comp_num: i32,
}

/// Everything the emulator serves, made from one seed.
#[derive(Clone, Debug)]
pub struct DemoData {
    pub clusters: Vec<Cluster>,
}

const CLUSTER_TYPES: &[&str] =
    &["cce", "cce", "cce", "k8s", "self_built_hw", "self_built_idc", "aws", "azure", "ali", "tencent"];
const CLUSTER_WORDS: &[&str] = &[
    "payments",
    "orders",
    "search",
    "billing",
    "identity",
    "analytics",
    "gateway",
    "media",
    "ledger",
    "catalog",
];
const ENVS: &[&str] = &["prod", "staging", "dev", "dr"];
const VERSIONS: &[&str] = &["v1.28", "v1.29", "v1.30", "v1.31"];

impl DemoData {
    pub fn generate(seed: u64, size: DataSize) -> Self {
        let mut rng = Rng::new(seed);
        let clusters = (0..size.clusters())
            .map(|i| {
                let nodes = 3 + rng.below(20) as i32;
                let not_installed = if i % 5 == 4 { nodes } else { rng.below(2) as i32 };
                let failed = if i % 7 == 6 { 1 } else { 0 };
                // Every fourth cluster cannot be scanned: unavailable, or no agent.
                let status = if i % 4 == 3 {
                    *rng.pick(&["Unavailable", "Upgrading", "Creating"])
                } else {
                    "Available"
                };
                let created = EPOCH_MS + rng.below(300) as i64 * DAY_MS;
                Cluster {
                    id: rng.hex_id(),
                    cluster_name: format!("{}-{}-{:02}", rng.pick(CLUSTER_WORDS), rng.pick(ENVS), i + 1),
                    cluster_id: rng.uuid(),
                    cluster_type: rng.pick(CLUSTER_TYPES).to_string(),
                    status: status.to_string(),
                    version: rng.pick(VERSIONS).to_string(),
                    total_nodes_number: nodes,
                    active_nodes_number: if status == "Available" { nodes } else { 0 },
                    creation_timestamp: created,
                    agent_installed_num: (nodes - not_installed - failed).max(0),
                    agent_install_failed_num: failed,
                    agent_not_install_num: not_installed,
                    agent_ds_install_status: if not_installed == nodes { "NotInstall" } else { "Installed" }
                        .to_string(),
                    agent_ds_failed_reason: String::new(),
                    last_operate_timestamp: created + DAY_MS,
                    last_scan_time: created + 2 * DAY_MS,
                    sys_vul_num: rng.below(40) as i32,
                    app_vul_num: rng.below(60) as i32,
                    emg_vul_num: rng.below(4) as i32,
                    risk_assess_num: rng.below(15) as i32,
                    sec_comp_num: rng.below(25) as i32,
                }
            })
            .collect();
        Self { clusters }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        let a = DemoData::generate(7, DataSize::Default);
        let b = DemoData::generate(7, DataSize::Default);
        assert_eq!(serde_json::to_string(&a.clusters).unwrap(), serde_json::to_string(&b.clusters).unwrap());
        assert_ne!(
            serde_json::to_string(&DemoData::generate(8, DataSize::Default).clusters).unwrap(),
            serde_json::to_string(&a.clusters).unwrap()
        );
        assert_eq!(a.clusters.len(), 12);
        assert!(a.clusters.iter().any(|c| c.status != "Available"), "some clusters cannot be scanned");
    }
}
