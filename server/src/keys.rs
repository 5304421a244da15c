//! The server key that seals IAM tokens in the session store.

use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use crate::Error;

const KEY_FILE: &str = "session.key";

/// The configured key, or the one kept under the data directory (created on first start).
pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> Result<[u8; 32], Error> {
    if let Some(b64) = configured {
        return decode(b64.trim())
            .ok_or(Error::Config("SECPORTAL_SESSION_KEY must be 32 bytes, base64".into()));
    }
    let path = data_dir.join(KEY_FILE);
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(&path) {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(Error::Config(format!(
                "{} can be read by other users: make it 0600 (chmod 600) or set SECPORTAL_SESSION_KEY",
                path.display()
            )));
        }
    }
    if let Ok(text) = std::fs::read_to_string(&path) {
        return decode(text.trim())
            .ok_or_else(|| Error::Config(format!("{} is not a valid key", path.display())));
    }
    let key: [u8; 32] = rand::random();
    write_private(&path, &B64.encode(key))?;
    tracing::info!(path = %path.display(), "generated a new session key");
    Ok(key)
}

fn decode(b64: &str) -> Option<[u8; 32]> {
    B64.decode(b64).ok()?.try_into().ok()
}

fn write_private(path: &Path, contents: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut file = opts.open(path).map_err(|e| Error::Io(format!("{}: {e}", path.display())))?;
    file.write_all(contents.as_bytes()).map_err(|e| Error::Io(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_is_kept() {
        let dir = std::env::temp_dir().join(format!("secportal-key-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let a = load_or_create(None, &dir).unwrap();
        let b = load_or_create(None, &dir).unwrap();
        assert_eq!(a, b);
        assert!(load_or_create(Some("dG9vIHNob3J0"), &dir).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = dir.join(KEY_FILE);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let refused = load_or_create(None, &dir).unwrap_err().to_string();
            assert!(refused.contains("other users"), "{refused}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
