//! Seeded, deterministic demo data: the same seed and size always give the same records.

use serde::Serialize;

/// How much demo data to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DataSize {
    Small,
    #[default]
    Default,
    Large,
    /// The default set with hostile names and messages ([`hostile_strings`]).
    Hostile,
}

impl std::str::FromStr for DataSize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "small" => Ok(Self::Small),
            "default" => Ok(Self::Default),
            "large" => Ok(Self::Large),
            "hostile" => Ok(Self::Hostile),
            _ => Err("expected small, default, large or hostile".into()),
        }
    }
}

impl DataSize {
    fn clusters(self) -> usize {
        match self {
            Self::Small => 4,
            Self::Default | Self::Hostile => 12,
            Self::Large => 60,
        }
    }

    fn containers(self) -> usize {
        match self {
            Self::Small => 40,
            Self::Default | Self::Hostile => 240,
            Self::Large => 5000,
        }
    }

    fn images(self) -> usize {
        match self {
            Self::Small => 8,
            Self::Default | Self::Hostile => 36,
            // An account the local-image picker must page through on the cloud's side.
            Self::Large => 20_000,
        }
    }
}

/// Names a careless or hostile cloud account may hold, so every page can be shown to print them
/// literally and safely: markup, a script, quotes, a right-to-left override, a line break, and
/// 64 KiB of text.
pub fn hostile_strings() -> Vec<String> {
    vec![
        "<script>alert('hostile')</script>".to_string(),
        "\"><img src=x onerror=alert(2)>".to_string(),
        "it's \"quoted\" & `ticked`".to_string(),
        "evil\u{202E}lmth.exe".to_string(),
        "line one\r\nline two".to_string(),
        format!("long-{}", "x".repeat(64 * 1024)),
    ]
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

/// A container as the container export sees it; field names are the export header keys.
#[derive(Clone, Debug, Serialize)]
pub struct Container {
    pub container_id: String,
    pub container_name: String,
    pub image_name: String,
    pub pod_name: String,
    pub cluster_name: String,
    pub cluster_type: String,
    pub status: String,
    pub risky: bool,
    pub low_risk: i32,
    pub medium_risk: i32,
    pub high_risk: i32,
    pub fatal_risk: i32,
    pub create_time: i64,
    pub restart_count: i32,
    pub cpu_limit: String,
    pub memory_limit: String,
}

impl Container {
    /// The value of an export header key, as the export writes it.
    pub fn column(&self, key: &str) -> String {
        match key {
            "container_id" => self.container_id.clone(),
            "container_name" => self.container_name.clone(),
            "image_name" => self.image_name.clone(),
            "pod_name" => self.pod_name.clone(),
            "cluster_name" => self.cluster_name.clone(),
            "cluster_type" => self.cluster_type.clone(),
            "status" => self.status.clone(),
            "risky" => self.risky.to_string(),
            "low_risk" => self.low_risk.to_string(),
            "medium_risk" => self.medium_risk.to_string(),
            "high_risk" => self.high_risk.to_string(),
            "fatal_risk" => self.fatal_risk.to_string(),
            "create_time" => self.create_time.to_string(),
            "restart_count" => self.restart_count.to_string(),
            "cpu_limit" => self.cpu_limit.clone(),
            "memory_limit" => self.memory_limit.clone(),
            _ => String::new(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Vulnerability {
    pub vul_id: String,
    pub vul_name: String,
    /// `linux_vul` or `app_vul`.
    pub vul_type: String,
    pub severity: String,
    pub handle_status: String,
    pub app_name: String,
    pub app_version: String,
    pub fixed_version: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct LocalImage {
    pub image_name: String,
    pub image_id: String,
    pub image_digest: String,
    pub image_version: String,
    pub local_image_type: String,
    pub scan_status: String,
    pub image_size: i64,
    pub latest_update_time: i64,
    pub latest_scan_time: i64,
    pub vul_num: i64,
    pub unsafe_setting_num: i64,
    pub malicious_file_num: i64,
    pub host_num: i64,
    pub container_num: i64,
    pub component_num: i64,
    pub scan_failed_desc: String,
    pub severity_level: String,
    pub host_name: String,
    pub host_id: String,
    pub agent_id: String,
    pub non_scan_reason: String,
    #[serde(skip)]
    pub vulnerabilities: Vec<Vulnerability>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DbssInstance {
    pub id: String,
    #[serde(skip)]
    pub project_id: String,
    pub name: String,
    pub comment: String,
    pub resource_id: String,
    pub resource_spec_code: String,
    pub specification: String,
    pub version: String,
    pub charge_model: String,
    pub status: String,
    pub task: String,
    pub cpu: i32,
    pub ram: i32,
    pub config_num: i32,
    pub database_limit: i32,
    pub connect_ip: String,
    pub region: String,
    pub zone: String,
    pub created: String,
    pub expired: String,
    pub keep_days: String,
    pub remain_days: String,
}

/// Built-in masking rules every instance starts with: (name, substitution, on).
pub const BUILT_IN_RULES: &[(&str, &str, bool)] = &[
    ("Passport NO.", "******", true),
    ("ID card", "******", true),
    ("Bank card", "******", true),
    ("Mobile phone number", "***", true),
    ("Landline number", "***", false),
    ("Email address", "***@***", true),
    ("IPv4 address", "*.*.*.*", false),
    ("MAC address", "**:**:**:**:**:**", false),
    ("Home address", "******", false),
    ("Vehicle licence plate", "*****", false),
    ("Chinese name", "**", false),
    ("Unified social credit code", "******", false),
];

/// Custom rules seeded on each active instance: (name, regex, substitution, on).
pub const CUSTOM_RULES: &[(&str, &str, &str, bool)] = &[
    ("EmployeeId", r"E\d{6}", "E******", false),
    ("Contract number", r"HT-\d{4}-\d{5}", "HT-****-*****", true),
    ("Internal hostname", r"[a-z]+-prod-\d{2}\.corp", "***.corp", true),
];

#[derive(Clone, Debug, Serialize)]
pub struct SecurityLevel {
    pub level_id: String,
    pub security_level_name: String,
    pub color_number: i32,
    pub security_level_desc: String,
    pub category: String,
    pub sort_weight: i32,
}

#[derive(Clone, Debug, Serialize)]
pub struct ScanJob {
    pub id: String,
    pub name: String,
    pub cycle: String,
    pub status: String,
    pub last_run_time: i64,
    pub create_time: i64,
    pub start_time: i64,
    pub last_scan_risk: String,
    pub use_nlp: bool,
    pub open: bool,
    pub security_level_name: String,
    pub security_level_color: i32,
    pub asset_infos: Vec<serde_json::Value>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Classification {
    pub id: String,
    pub job_id: String,
    pub task_id: String,
    pub asset_id: String,
    pub asset_name: String,
    pub asset_type: String,
    pub object_name: String,
    pub object_full_path: String,
    /// Where the object lives: a database and table (database assets) or a bucket (OBS), as
    /// the export's `database_name`, `table_name` and `filter_bucket_name` filter them.
    pub database_name: String,
    pub table_name: String,
    pub bucket_name: String,
    pub security_level_name: String,
    pub security_level_id: String,
    pub security_level_color: i32,
    pub classification_name: String,
    pub rule_name: String,
    pub matched_example: String,
    pub scan_time: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExportBucket {
    pub id: String,
    pub asset_name: String,
    pub bind_task: bool,
    pub bucket_location: String,
    pub bucket_name: String,
    pub bucket_policy: String,
    pub create_time: i64,
    pub enable_audit_status: bool,
    pub is_deleted: bool,
}

/// Everything the emulator serves, made from one seed.
#[derive(Clone, Debug)]
pub struct DemoData {
    pub security_levels: Vec<SecurityLevel>,
    pub scan_jobs: Vec<ScanJob>,
    pub classifications: Vec<Classification>,
    pub export_buckets: Vec<ExportBucket>,
    pub clusters: Vec<Cluster>,
    pub containers: Vec<Container>,
    pub images: Vec<LocalImage>,
    pub dbss_instances: Vec<DbssInstance>,
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
        let clusters: Vec<Cluster> = (0..size.clusters())
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
        let mut clusters = clusters;
        if size == DataSize::Hostile {
            for (c, name) in clusters.iter_mut().zip(hostile_strings()) {
                c.agent_ds_failed_reason = name.clone();
                c.cluster_name = name;
            }
        }
        let containers = containers(&mut rng, &clusters, size.containers());
        let mut images = images(&mut rng, size.images());
        let mut dbss_instances = dbss_instances(&mut rng);
        let (security_levels, mut scan_jobs, classifications, export_buckets) = dsc(&mut rng, size);
        if size == DataSize::Hostile {
            for (i, name) in images.iter_mut().zip(hostile_strings()) {
                i.image_name = name;
            }
            for (d, name) in dbss_instances.iter_mut().zip(hostile_strings()) {
                d.name = name;
            }
            for (j, name) in scan_jobs.iter_mut().zip(hostile_strings()) {
                j.name = name;
            }
        }
        Self {
            security_levels,
            scan_jobs,
            classifications,
            export_buckets,
            clusters,
            containers,
            images,
            dbss_instances,
        }
    }
}

const APPS: &[&str] =
    &["nginx", "redis", "postgres", "api", "worker", "frontend", "kafka", "grafana", "envoy", "vault"];
const CONTAINER_STATUS: &[&str] =
    &["Running", "Running", "Running", "Running", "Waiting", "Terminated", "Isolated", "Paused"];
const CPU: &[&str] = &["100m", "250m", "500m", "1000m", "2000m", ""];
const MEMORY: &[&str] = &["128Mi", "256Mi", "512Mi", "1Gi", "2Gi", ""];

fn containers(rng: &mut Rng, clusters: &[Cluster], n: usize) -> Vec<Container> {
    (0..n)
        .map(|i| {
            let app = rng.pick(APPS);
            // One in eight runs outside any cluster (plain Docker hosts).
            let cluster =
                if i % 8 == 7 { None } else { Some(&clusters[rng.below(clusters.len() as u64) as usize]) };
            let (low, medium, high, fatal) =
                (rng.below(6) as i32, rng.below(4) as i32, rng.below(3) as i32, (rng.below(10) == 0) as i32);
            let suffix = format!("{:05x}", rng.below(0xFFFFF));
            Container {
                container_id: format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64()),
                container_name: format!("{app}-{suffix}"),
                image_name: format!(
                    "swr.cn-north-4.myhuaweicloud.com/demo/{app}:{}.{}",
                    1 + rng.below(3),
                    rng.below(10)
                ),
                pod_name: if cluster.is_some() {
                    format!("{app}-{suffix}-{}", rng.below(100))
                } else {
                    String::new()
                },
                cluster_name: cluster.map(|c| c.cluster_name.clone()).unwrap_or_default(),
                cluster_type: cluster.map(|c| c.cluster_type.clone()).unwrap_or_default(),
                status: rng.pick(CONTAINER_STATUS).to_string(),
                risky: low + medium + high + fatal > 0,
                low_risk: low,
                medium_risk: medium,
                high_risk: high,
                fatal_risk: fatal,
                create_time: EPOCH_MS + rng.below(330 * 24) as i64 * 3_600_000,
                restart_count: rng.below(5) as i32,
                cpu_limit: rng.pick(CPU).to_string(),
                memory_limit: rng.pick(MEMORY).to_string(),
            }
        })
        .collect()
}

const IMAGE_NAMES: &[&str] =
    &["nginx", "redis", "postgres", "python", "node", "openjdk", "alpine", "debian", "golang", "busybox"];
const PACKAGES: &[(&str, &str)] = &[
    ("openssl", "linux_vul"),
    ("glibc", "linux_vul"),
    ("zlib", "linux_vul"),
    ("curl", "linux_vul"),
    ("bash", "linux_vul"),
    ("log4j-core", "app_vul"),
    ("jackson-databind", "app_vul"),
    ("lodash", "app_vul"),
    ("requests", "app_vul"),
    ("spring-web", "app_vul"),
];
const SEVERITIES: &[&str] = &["Low", "Medium", "Medium", "High", "Critical"];

fn images(rng: &mut Rng, n: usize) -> Vec<LocalImage> {
    (0..n)
        .map(|i| {
            let name = rng.pick(IMAGE_NAMES);
            let scanned = i % 9 != 8;
            let vulnerabilities: Vec<Vulnerability> = if scanned {
                (0..rng.below(12))
                    .map(|_| {
                        let (pkg, kind) = *rng.pick(PACKAGES);
                        let year = 2021 + rng.below(5);
                        Vulnerability {
                            vul_id: format!("CVE-{year}-{}", 1000 + rng.below(48000)),
                            vul_name: format!("{pkg} security update"),
                            vul_type: kind.to_string(),
                            severity: rng.pick(SEVERITIES).to_string(),
                            handle_status: if rng.below(4) == 0 { "handled" } else { "unhandled" }
                                .to_string(),
                            app_name: pkg.to_string(),
                            app_version: format!("{}.{}.{}", 1 + rng.below(3), rng.below(10), rng.below(20)),
                            fixed_version: format!("{}.{}.{}", 1 + rng.below(3), 10 + rng.below(5), 0),
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let updated = EPOCH_MS + rng.below(320) as i64 * DAY_MS;
            let worst = vulnerabilities
                .iter()
                .map(|v| v.severity.as_str())
                .max_by_key(|s| SEVERITIES.iter().rposition(|x| x == s).unwrap_or(0));
            LocalImage {
                image_name: format!("demo/{name}"),
                image_id: format!("sha256:{:016x}{:016x}", rng.next_u64(), rng.next_u64()),
                image_digest: format!(
                    "sha256:{:016x}{:016x}{:016x}{:016x}",
                    rng.next_u64(),
                    rng.next_u64(),
                    rng.next_u64(),
                    rng.next_u64()
                ),
                image_version: format!("{}.{}", 1 + rng.below(4), rng.below(20)),
                local_image_type: if i % 3 == 0 { "swr_image" } else { "other_image" }.to_string(),
                scan_status: if scanned { "success" } else { "unscan" }.to_string(),
                image_size: (20 + rng.below(900) as i64) * 1024 * 1024,
                latest_update_time: updated,
                latest_scan_time: if scanned { updated + DAY_MS } else { 0 },
                vul_num: vulnerabilities.len() as i64,
                unsafe_setting_num: rng.below(3) as i64,
                malicious_file_num: 0,
                host_num: 1 + rng.below(4) as i64,
                container_num: rng.below(6) as i64,
                component_num: 10 + rng.below(200) as i64,
                scan_failed_desc: String::new(),
                severity_level: match worst {
                    None => "Security",
                    Some("Low") => "Low",
                    Some("Medium") => "Medium",
                    _ => "High",
                }
                .to_string(),
                host_name: format!("ecs-node-{:02}", 1 + rng.below(20)),
                host_id: rng.uuid(),
                agent_id: rng.hex_id(),
                non_scan_reason: String::new(),
                vulnerabilities,
            }
        })
        .collect()
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

fn dbss_instances(rng: &mut Rng) -> Vec<DbssInstance> {
    let plan: &[(&str, &str, &str, &str)] = &[
        ("5f6a2b7c9d0e41f3a8b6c4d2e0f19a37", "dbss-prod-orders", "ACTIVE", "cn-north-4a"),
        ("5f6a2b7c9d0e41f3a8b6c4d2e0f19a37", "dbss-prod-payments", "ACTIVE", "cn-north-4b"),
        ("5f6a2b7c9d0e41f3a8b6c4d2e0f19a37", "dbss-staging", "SHUTOFF", "cn-north-4a"),
        ("5f6a2b7c9d0e41f3a8b6c4d2e0f19a37", "dbss-analytics", "FROZEN", "cn-north-4c"),
        ("8c3e1d9b7a6f45e2b0c4d8f1a3e5b7c9", "dbss-sg-main", "ACTIVE", "ap-southeast-1a"),
    ];
    plan.iter()
        .map(|(project, name, status, zone)| {
            let (spec, cpu, ram, dbs) = *rng.pick(&[
                ("dbss.bypassaudit.low", 4, 16, 3),
                ("dbss.bypassaudit.medium", 8, 32, 6),
                ("dbss.bypassaudit.high", 16, 64, 30),
            ]);
            DbssInstance {
                id: rng.hex_id(),
                project_id: project.to_string(),
                name: name.to_string(),
                comment: String::new(),
                resource_id: rng.uuid(),
                resource_spec_code: spec.to_string(),
                specification: format!("{cpu}U{ram}G"),
                version: "23.08.28.102209".to_string(),
                charge_model: "Period".to_string(),
                status: status.to_string(),
                task: "NO_TASK".to_string(),
                cpu,
                ram,
                config_num: 2,
                database_limit: dbs,
                connect_ip: format!("192.168.{}.{}", rng.below(255), 2 + rng.below(250)),
                region: zone.trim_end_matches(char::is_alphabetic).to_string(),
                zone: zone.to_string(),
                created: "2025-03-01T08:00:00Z".to_string(),
                expired: "2027-03-01T08:00:00Z".to_string(),
                keep_days: "0".to_string(),
                remain_days: "98".to_string(),
            }
        })
        .collect()
}

type Dsc = (Vec<SecurityLevel>, Vec<ScanJob>, Vec<Classification>, Vec<ExportBucket>);

fn dsc(rng: &mut Rng, size: DataSize) -> Dsc {
    let levels: Vec<SecurityLevel> =
        [("L1 Public", 1), ("L2 Internal", 2), ("L3 Sensitive", 3), ("L4 Secret", 4)]
            .iter()
            .map(|(name, color)| SecurityLevel {
                level_id: rng.hex_id(),
                security_level_name: name.to_string(),
                color_number: *color,
                security_level_desc: format!("{name} data"),
                category: "BUILT_IN".into(),
                sort_weight: *color,
            })
            .collect();
    // (id, name, type): DSC names assets apart from their opaque ids.
    let assets: &[(&str, &str, &str)] = &[
        ("4d1c0e7a9b2f43c8a6e5d3b1f0a9c801", "obs-hr-archive", "OBS"),
        ("4d1c0e7a9b2f43c8a6e5d3b1f0a9c802", "obs-customer-exports", "OBS"),
        ("4d1c0e7a9b2f43c8a6e5d3b1f0a9c803", "rds-orders", "DATABASE"),
        ("4d1c0e7a9b2f43c8a6e5d3b1f0a9c804", "rds-crm", "DATABASE"),
        ("4d1c0e7a9b2f43c8a6e5d3b1f0a9c805", "mrs-hive-logs", "BIGDATA"),
    ];
    let plan: &[(&str, &str, &str)] = &[
        ("weekly-obs-scan", "WEEK", "FINISHED"),
        ("crm-database-audit", "MONTH", "FINISHED"),
        ("orders-pii-check", "ONCE", "FINISHED"),
        ("bigdata-discovery", "DAY", "RUNNING"),
        ("legacy-archive-scan", "ONCE", "FAILED"),
        ("new-bucket-onboarding", "ONCE", "INIT"),
    ];
    let per_job = match size {
        DataSize::Small => 12,
        DataSize::Default | DataSize::Hostile => 40,
        DataSize::Large => 800,
    };
    let kinds: &[(&str, &str, &str)] = &[
        ("Personal information", "ID card number", "110101********1234"),
        ("Personal information", "Mobile phone number", "138****5678"),
        ("Financial", "Bank card number", "6222 **** **** 0123"),
        ("Contact", "Email address", "l***@example.com"),
        ("Credentials", "Access key", "AK****************"),
        ("Business", "Contract number", "HT-2025-*****"),
    ];
    let mut jobs = Vec::new();
    let mut results = Vec::new();
    for (n, (name, cycle, status)) in plan.iter().enumerate() {
        let created = EPOCH_MS + (n as i64 * 20 + rng.below(10) as i64) * DAY_MS;
        let job_assets: Vec<&(&str, &str, &str)> = (0..2).map(|k| &assets[(n + k) % assets.len()]).collect();
        let job_id = rng.uuid();
        let worst = &levels[(2 + n % 2).min(3)];
        jobs.push(ScanJob {
            id: job_id.clone(),
            name: name.to_string(),
            cycle: cycle.to_string(),
            status: status.to_string(),
            last_run_time: created + DAY_MS,
            create_time: created,
            start_time: created + DAY_MS,
            last_scan_risk: worst.security_level_name.clone(),
            use_nlp: n % 2 == 0,
            open: true,
            security_level_name: worst.security_level_name.clone(),
            security_level_color: worst.color_number,
            asset_infos: job_assets
                .iter()
                .map(|(a, _, t)| serde_json::json!({"asset_id": a, "asset_type": t}))
                .collect(),
        });
        if *status != "FINISHED" {
            continue;
        }
        for i in 0..per_job {
            let (asset, asset_name, kind) = *job_assets[i % job_assets.len()];
            let level = &levels[rng.below(4) as usize];
            let (class, rule, example) = *rng.pick(kinds);
            let (object, database, table) = if kind == "OBS" {
                (format!("exports/2025/{:02}/part-{:04}.csv", 1 + rng.below(12), i), "", "")
            } else {
                let table = *rng.pick(&["customers", "orders", "employees", "payments"]);
                let column = rng.pick(&["phone", "email", "id_no", "card_no"]);
                // The database follows the row's number, so the random draws stay as they were.
                let database = ["crm", "sales"][i % 2];
                (format!("{database}.{table}.{column}"), database, table)
            };
            results.push(Classification {
                id: rng.hex_id(),
                job_id: job_id.clone(),
                task_id: rng.hex_id(),
                asset_id: asset.to_string(),
                asset_name: asset_name.to_string(),
                asset_type: kind.to_string(),
                object_full_path: format!("{asset_name}/{object}"),
                object_name: object,
                database_name: database.to_string(),
                table_name: table.to_string(),
                bucket_name: if kind == "OBS" { asset_name.to_string() } else { String::new() },
                security_level_name: level.security_level_name.clone(),
                security_level_id: level.level_id.clone(),
                security_level_color: level.color_number,
                classification_name: class.to_string(),
                rule_name: rule.to_string(),
                matched_example: example.to_string(),
                scan_time: created + DAY_MS + i as i64 * 60_000,
            });
        }
    }
    let buckets = ["dsc-results-prod", "dsc-results-audit", "security-team-exports"]
        .iter()
        .map(|b| ExportBucket {
            id: rng.hex_id(),
            asset_name: b.to_string(),
            bind_task: false,
            bucket_location: "cn-north-4".into(),
            bucket_name: b.to_string(),
            bucket_policy: "Private".into(),
            create_time: EPOCH_MS,
            enable_audit_status: true,
            is_deleted: false,
        })
        .collect();
    (levels, jobs, results, buckets)
}
