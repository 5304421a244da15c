//! IAM: tokens and projects (API reference §5).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

use crate::model::{range, required_text, Rule};
use crate::signer::AkSk;
use crate::{CloudClient, CloudError, Result, Secret, Service};

const SUBJECT_TOKEN: &str = "X-Subject-Token";
const AUTH_TOKEN: &str = "X-Auth-Token";

/// Password sign-in scoped to a project named after its region (`cn-north-4`).
#[derive(Clone, Debug)]
pub struct PasswordLogin {
    /// Account (domain) name.
    pub domain: String,
    /// IAM user name.
    pub user: String,
    pub password: Secret,
    pub project_name: String,
    /// A virtual-MFA code, for users whose sign-in needs one.
    pub mfa: Option<MfaCode>,
}

/// Virtual MFA: the IAM user id and the 6-digit passcode the device shows.
#[derive(Clone, Debug)]
pub struct MfaCode {
    pub user_id: String,
    pub passcode: Secret,
}

impl PasswordLogin {
    /// The request's own rules (lengths, a 6-digit passcode), checked before anything is sent.
    pub fn validate(&self) -> Result<()> {
        required_text("domain", &self.domain, 64)?;
        required_text("user", &self.user, 64)?;
        if self.password.is_empty() || self.password.expose().len() > 1024 {
            return Err(CloudError::invalid("password", Rule::Length { min: 1, max: 1024 }));
        }
        required_text("region", &self.project_name, 64)?;
        if let Some(mfa) = &self.mfa {
            required_text("mfa_user_id", &mfa.user_id, 64)?;
            let code = mfa.passcode.expose();
            if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(CloudError::invalid("passcode", Rule::Passcode));
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NamedRef {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TokenUser {
    pub id: String,
    pub name: String,
    pub domain: NamedRef,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TokenProject {
    pub id: String,
    pub name: String,
    pub domain: Option<NamedRef>,
}

/// What a token says about itself (the `token` object of the IAM answer).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TokenInfo {
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    pub user: TokenUser,
    #[serde(default)]
    pub project: Option<TokenProject>,
    #[serde(default)]
    pub roles: Vec<NamedRef>,
    /// How the token was obtained: `password`, `totp` (a virtual-MFA passcode), `token`…
    #[serde(default)]
    pub methods: Vec<String>,
}

impl TokenInfo {
    /// Issued with a virtual-MFA passcode.
    pub fn with_mfa(&self) -> bool {
        self.methods.iter().any(|m| m == "totp")
    }
}

#[derive(Deserialize)]
struct TokenBody {
    token: TokenInfo,
}

#[derive(Debug)]
pub struct IssuedToken {
    pub token: Secret,
    pub info: TokenInfo,
}

/// Temporary AK/SK and when they stop working.
#[derive(Clone, Debug)]
pub struct TemporaryKeys {
    pub keys: AkSk,
    pub expires_at: OffsetDateTime,
}

#[derive(Deserialize)]
struct CredentialBody {
    credential: Credential,
}

#[derive(Deserialize)]
struct Credential {
    access: String,
    secret: String,
    securitytoken: String,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Project {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub domain_id: String,
    #[serde(default)]
    pub enabled: bool,
}

#[derive(Deserialize)]
struct ProjectsBody {
    projects: Vec<Project>,
}

/// A user group (KeystoneListGroupsForUser's `groups[]`; only what the portal reads).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Group {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub domain_id: String,
}

#[derive(Deserialize)]
struct GroupsBody {
    groups: Vec<Group>,
}

impl CloudClient {
    /// `POST /v3/auth/tokens` with the password method. IAM answers 201 with the token in the
    /// `X-Subject-Token` header.
    pub async fn iam_password_token(&self, login: &PasswordLogin) -> Result<IssuedToken> {
        login.validate()?;
        let mut identity = json!({"methods": ["password"], "password": {"user": {
            "domain": {"name": login.domain}, "name": login.user, "password": login.password.expose()}}});
        if let Some(mfa) = &login.mfa {
            identity["methods"] = json!(["password", "totp"]);
            identity["totp"] = json!({"user": {"id": mfa.user_id, "passcode": mfa.passcode.expose()}});
        }
        let body =
            json!({"auth": {"identity": identity, "scope": {"project": {"name": login.project_name}}}});
        let req = self
            .request(Method::POST, Service::Iam, &login.project_name, "/v3/auth/tokens")?
            .query(&[("nocatalog", "true")])
            .json(&body);
        let resp = self.send(Service::Iam, req).await?;
        let token = subject_token(&resp)?;
        let body: TokenBody = Self::json(Service::Iam, resp).await?;
        Ok(IssuedToken { token, info: body.token })
    }

    /// Re-scopes a token to another project of the same account (`methods: ["token"]`).
    pub async fn iam_rescope(&self, region: &str, token: &Secret, project_id: &str) -> Result<IssuedToken> {
        required_text("project_id", project_id, 64)?;
        let body = json!({"auth": {
            "identity": {"methods": ["token"], "token": {"id": token.expose()}},
            "scope": {"project": {"id": project_id}}
        }});
        let req = self
            .request(Method::POST, Service::Iam, region, "/v3/auth/tokens")?
            .query(&[("nocatalog", "true")])
            .json(&body);
        let resp = self.send(Service::Iam, req).await?;
        let token = subject_token(&resp)?;
        let body: TokenBody = Self::json(Service::Iam, resp).await?;
        Ok(IssuedToken { token, info: body.token })
    }

    /// Temporary AK/SK with a security token, from a token (`/v3.0/OS-CREDENTIAL/securitytokens`),
    /// valid 900–86400 seconds.
    pub async fn iam_temporary_keys(
        &self,
        region: &str,
        token: &Secret,
        duration_seconds: i64,
    ) -> Result<TemporaryKeys> {
        range("duration_seconds", duration_seconds, 900, 86_400)?;
        let body = json!({"auth": {"identity": {"methods": ["token"], "token": {"duration_seconds": duration_seconds}}}});
        let req = self
            .request(Method::POST, Service::Iam, region, "/v3.0/OS-CREDENTIAL/securitytokens")?
            .header(AUTH_TOKEN, token.expose())
            .json(&body);
        let resp = self.send(Service::Iam, req).await?;
        let body: CredentialBody = Self::json(Service::Iam, resp).await?;
        let c = body.credential;
        Ok(TemporaryKeys {
            keys: AkSk {
                access_key: c.access,
                secret_key: Secret::new(c.secret),
                security_token: Some(Secret::new(c.securitytoken)),
            },
            expires_at: c.expires_at,
        })
    }

    /// `GET /v3/auth/tokens`: checks a token a user pasted in and reads its scope.
    pub async fn iam_validate_token(&self, region: &str, token: &Secret) -> Result<TokenInfo> {
        if token.is_empty() || token.expose().len() > 32768 {
            return Err(CloudError::invalid("token", Rule::Length { min: 1, max: 32768 }));
        }
        let req = self
            .request(Method::GET, Service::Iam, region, "/v3/auth/tokens")?
            .query(&[("nocatalog", "true")])
            .header(AUTH_TOKEN, token.expose())
            .header(SUBJECT_TOKEN, token.expose());
        let resp = self.send(Service::Iam, req).await?;
        let body: TokenBody = Self::json(Service::Iam, resp).await?;
        Ok(body.token)
    }

    /// `GET /v3/auth/projects`: the projects the token's user may use.
    pub async fn iam_list_projects(&self, region: &str, token: &Secret) -> Result<Vec<Project>> {
        let req = self
            .request(Method::GET, Service::Iam, region, "/v3/auth/projects")?
            .header(AUTH_TOKEN, token.expose());
        let resp = self.send(Service::Iam, req).await?;
        let body: ProjectsBody = Self::json(Service::Iam, resp).await?;
        Ok(body.projects)
    }

    /// `GET /v3/users/{user_id}/groups` (KeystoneListGroupsForUser): the groups a user is in.
    /// IAM lets only callers with IAM read permission ask, so a user without it gets
    /// `CloudError::Api` with status 403.
    pub async fn iam_user_groups(&self, region: &str, token: &Secret, user_id: &str) -> Result<Vec<Group>> {
        let user_id = crate::model::path_id("user_id", user_id)?;
        let path = format!("/v3/users/{user_id}/groups");
        let req = self.request(Method::GET, Service::Iam, region, &path)?.header(AUTH_TOKEN, token.expose());
        let resp = self.send(Service::Iam, req).await?;
        let body: GroupsBody = Self::json(Service::Iam, resp).await?;
        Ok(body.groups)
    }
}

fn subject_token(resp: &reqwest::Response) -> Result<Secret> {
    resp.headers()
        .get(SUBJECT_TOKEN)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(Secret::new)
        .ok_or_else(|| CloudError::Decode {
            service: "IAM",
            message: "the answer carried no X-Subject-Token header".into(),
        })
}
