//! Who a request or a background poll acts for, and the keys of what belongs to them.

use serde::{Deserialize, Serialize};

use super::vault::{OpenError, TokenVault};

/// An IAM user working in one project (and the project's region).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub user_id: String,
    pub user_name: String,
    pub domain_id: String,
    pub project_id: String,
    pub region: String,
}

impl Owner {
    /// Keys what belongs to the user wherever they work: preferences, the tracker's rate slots
    /// (HSS counts calls per user).
    pub fn user_key(&self) -> String {
        format!("{}/{}", self.domain_id, self.user_id)
    }

    /// Keys cloud lists: they belong to one user in one project.
    pub fn list_key(&self) -> String {
        format!("{}/{}/{}", self.domain_id, self.user_id, self.project_id)
    }

    /// The cloud identity to call with: this user's token, sealed by the vault, opened for just
    /// this call. The one place a sealed token becomes a caller, for requests and the tracker.
    pub fn caller(&self, vault: &TokenVault, sealed_token: &str) -> Result<cloud::Caller, OpenError> {
        Ok(cloud::Caller {
            region: self.region.clone(),
            project_id: self.project_id.clone(),
            credentials: cloud::Credentials::Token(vault.open(sealed_token)?),
            user: Some(self.user_key()),
        })
    }
}
