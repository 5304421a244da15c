//! IAM: tokens and projects (API reference §5).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

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
}

impl PasswordLogin {
    fn validate(&self) -> Result<()> {
        non_empty_max("domain", &self.domain, 64)?;
        non_empty_max("user", &self.user, 64)?;
        if self.password.is_empty() || self.password.expose().len() > 1024 {
            return Err(CloudError::invalid("password", "must be 1 to 1024 characters"));
        }
        non_empty_max("region", &self.project_name, 64)
    }
}

fn non_empty_max(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() || value.chars().count() > max {
        return Err(CloudError::invalid(field, format!("must be 1 to {max} characters")));
    }
    Ok(())
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

impl CloudClient {
    /// `POST /v3/auth/tokens` with the password method. IAM answers 201 with the token in the
    /// `X-Subject-Token` header.
    pub async fn iam_password_token(&self, login: &PasswordLogin) -> Result<IssuedToken> {
        login.validate()?;
        let body = json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "domain": {"name": login.domain}, "name": login.user, "password": login.password.expose()}}},
            "scope": {"project": {"name": login.project_name}}
        }});
        let req = self
            .request(Method::POST, Service::Iam, &login.project_name, "/v3/auth/tokens")?
            .query(&[("nocatalog", "true")])
            .json(&body);
        let resp = self.send(Service::Iam, req).await?;
        let token = subject_token(&resp)?;
        let body: TokenBody = Self::json(Service::Iam, resp).await?;
        Ok(IssuedToken { token, info: body.token })
    }

    /// `GET /v3/auth/tokens`: checks a token a user pasted in and reads its scope.
    pub async fn iam_validate_token(&self, region: &str, token: &Secret) -> Result<TokenInfo> {
        if token.is_empty() || token.expose().len() > 32768 {
            return Err(CloudError::invalid("token", "must be 1 to 32768 characters"));
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
