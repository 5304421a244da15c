//! The fixed demo account. These names and ids are documented in the README; tests rely on them.

pub const DOMAIN_NAME: &str = "secportal-demo";
pub const DOMAIN_ID: &str = "d0c7a9e5b3f14268a0b2c4e6f8a1c3e5";

#[derive(Debug)]
pub struct DemoUser {
    pub id: &'static str,
    pub name: &'static str,
    pub password: &'static str,
    /// Read-only users may look but every create or change is refused.
    pub read_only: bool,
    /// Login protection by virtual MFA: a password alone gets no token.
    pub mfa: bool,
}

pub const USERS: &[DemoUser] = &[
    DemoUser {
        id: "4f2e8d6c1b0a49f7e5d3c1b9a7f5e3d1",
        name: "operator",
        password: "operator-pass-1",
        read_only: false,
        mfa: false,
    },
    DemoUser {
        id: "9e8d7c6b5a4f43e2d1c0b9a8f7e6d5c4",
        name: "auditor",
        password: "auditor-pass-1",
        read_only: true,
        mfa: false,
    },
];

/// More writable users of the same account, for tests that need many users at once (the
/// sign-in page lists only [`USERS`]).
pub const TEAM: &[DemoUser] = &[
    DemoUser {
        id: "7ea00100000000000000000000000001",
        name: "team01",
        password: "team01-pass-1",
        read_only: false,
        mfa: false,
    },
    DemoUser {
        id: "7ea00200000000000000000000000002",
        name: "team02",
        password: "team02-pass-1",
        read_only: false,
        mfa: false,
    },
    DemoUser {
        id: "7ea00300000000000000000000000003",
        name: "team03",
        password: "team03-pass-1",
        read_only: false,
        mfa: false,
    },
    DemoUser {
        id: "7ea00400000000000000000000000004",
        name: "team04",
        password: "team04-pass-1",
        read_only: false,
        mfa: false,
    },
    DemoUser {
        id: "7ea00500000000000000000000000005",
        name: "team05",
        password: "team05-pass-1",
        read_only: false,
        mfa: false,
    },
    DemoUser {
        id: "7ea00600000000000000000000000006",
        name: "team06",
        password: "team06-pass-1",
        read_only: false,
        mfa: false,
    },
    DemoUser {
        id: "7ea00700000000000000000000000007",
        name: "team07",
        password: "team07-pass-1",
        read_only: false,
        mfa: false,
    },
    DemoUser {
        id: "7ea00800000000000000000000000008",
        name: "team08",
        password: "team08-pass-1",
        read_only: false,
        mfa: false,
    },
    DemoUser {
        id: "7ea00900000000000000000000000009",
        name: "team09",
        password: "team09-pass-1",
        read_only: false,
        mfa: false,
    },
];

/// Users whose sign-in needs a virtual-MFA passcode ([`crate::DEMO_MFA_PASSCODE`]).
pub const MFA_USERS: &[DemoUser] = &[DemoUser {
    id: "6a4d00100000000000000000000000a1",
    name: "guardian",
    password: "guardian-pass-1",
    read_only: false,
    mfa: true,
}];

/// A user group of the demo account. Members of a group with `iam_read` (the demo's stand-in for
/// IAM ReadOnlyAccess) may list users' groups; the rest get IAM's 403.
pub struct DemoGroup {
    pub id: &'static str,
    pub name: &'static str,
    pub iam_read: bool,
    pub members: &'static [&'static str],
}

pub const GROUPS: &[DemoGroup] = &[
    DemoGroup {
        id: "0a9b8c7d6e5f40a1b2c3d4e5f6a7b8c9",
        name: "secportal-admins",
        iam_read: true,
        members: &["team09"],
    },
    DemoGroup {
        id: "1b2c3d4e5f6a47b8c9d0e1f2a3b4c5d6",
        name: "security-auditors",
        iam_read: false,
        members: &["auditor", "team08"],
    },
];

/// The groups a user is a member of.
pub fn groups_of(user: &str) -> impl Iterator<Item = &'static DemoGroup> + '_ {
    GROUPS.iter().filter(move |g| g.members.contains(&user))
}

pub struct DemoProject {
    pub id: &'static str,
    pub name: &'static str,
}

pub const PROJECTS: &[DemoProject] = &[
    DemoProject { id: "5f6a2b7c9d0e41f3a8b6c4d2e0f19a37", name: "cn-north-4" },
    DemoProject { id: "8c3e1d9b7a6f45e2b0c4d8f1a3e5b7c9", name: "ap-southeast-1" },
];

pub fn user(name: &str) -> Option<&'static DemoUser> {
    USERS.iter().chain(TEAM).chain(MFA_USERS).find(|u| u.name == name)
}

pub fn user_by_id(id: &str) -> Option<&'static DemoUser> {
    USERS.iter().chain(TEAM).chain(MFA_USERS).find(|u| u.id == id)
}

pub fn project_by_id(id: &str) -> Option<&'static DemoProject> {
    PROJECTS.iter().find(|p| p.id == id)
}

pub fn project_by_name(name: &str) -> Option<&'static DemoProject> {
    PROJECTS.iter().find(|p| p.name == name)
}

/// An access key pair for AK/SK signing.
pub struct DemoAccessKey {
    pub access_key: &'static str,
    pub secret_key: &'static str,
    pub user: &'static str,
}

pub const ACCESS_KEYS: &[DemoAccessKey] = &[DemoAccessKey {
    access_key: "SPDEMOAKOPERATOR0001",
    secret_key: "spDemoSecretKeyForOperator00000000000001",
    user: "operator",
}];
