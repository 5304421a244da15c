//! `GET /v5/{project_id}/kubernetes/clusters` (§2.13): the clusters a cluster scan can cover.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::Op;
use crate::validate::{hss_paging, opt_text};
use crate::{Caller, CloudClient, Result, Service};

#[derive(Clone, Debug, Default)]
pub struct ClusterQuery {
    pub offset: i64,
    /// 10–200; the cloud's default is 10.
    pub limit: i64,
    /// Fuzzy match on the name.
    pub cluster_name: Option<String>,
    pub load_agent_info: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    #[serde(default)]
    pub id: String,
    pub cluster_name: String,
    /// The id a cluster scan names (`cluster_id_list`).
    pub cluster_id: String,
    #[serde(default)]
    pub cluster_type: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub total_nodes_number: i32,
    #[serde(default)]
    pub active_nodes_number: i32,
    #[serde(default)]
    pub creation_timestamp: i64,
    #[serde(default)]
    pub agent_installed_num: i32,
    #[serde(default)]
    pub agent_install_failed_num: i32,
    #[serde(default)]
    pub agent_not_install_num: i32,
    #[serde(default)]
    pub agent_ds_install_status: String,
    #[serde(default)]
    pub last_scan_time: i64,
    #[serde(default)]
    pub sys_vul_num: i32,
    #[serde(default)]
    pub app_vul_num: i32,
    #[serde(default)]
    pub emg_vul_num: i32,
    #[serde(default)]
    pub risk_assess_num: i32,
    #[serde(default)]
    pub sec_comp_num: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterList {
    #[serde(default)]
    pub last_update_time: i64,
    pub total_num: i64,
    #[serde(default)]
    pub cluster_info_list: Vec<Cluster>,
}

impl CloudClient {
    pub async fn hss_list_clusters(&self, caller: &Caller, q: &ClusterQuery) -> Result<ClusterList> {
        let limit = if q.limit == 0 { 10 } else { q.limit };
        hss_paging(q.offset, limit)?;
        opt_text("cluster_name", q.cluster_name.as_deref(), 1, 128)?;
        let path = Self::project_path(caller, "v5", "/kubernetes/clusters")?;
        let mut query = vec![("offset", q.offset.to_string()), ("limit", limit.to_string())];
        if let Some(name) = &q.cluster_name {
            query.push(("cluster_name", name.clone()));
        }
        if q.load_agent_info {
            query.push(("load_agent_info", "true".into()));
        }
        let req = self.request(Method::GET, Service::Hss, &caller.region, &path)?.query(&query);
        let resp = self.call(Op::read(Service::Hss, "hss_list_clusters"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }
}
