//! Keeps IAM tokens encrypted at rest in the session store, so a leaked database holds nothing a
//! thief can use without the server key.

use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use cloud::Secret;

/// Binds ciphertexts to their purpose, so a sealed token cannot be replayed as another field.
const AAD: &[u8] = b"secportal/iam-token/v1";

pub struct TokenVault {
    cipher: XChaCha20Poly1305,
}

#[derive(Debug, thiserror::Error)]
#[error("the sealed token could not be opened")]
pub struct OpenError;

impl TokenVault {
    pub fn new(key: &[u8; 32]) -> Self {
        Self { cipher: XChaCha20Poly1305::new(key.into()) }
    }

    pub fn seal(&self, token: &Secret) -> String {
        let nonce: [u8; 24] = rand::random();
        let ct = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: token.expose().as_bytes(), aad: AAD })
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory input");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        B64.encode(out)
    }

    pub fn open(&self, sealed: &str) -> Result<Secret, OpenError> {
        let raw = B64.decode(sealed).map_err(|_| OpenError)?;
        if raw.len() < 24 {
            return Err(OpenError);
        }
        let (nonce, ct) = raw.split_at(24);
        let pt = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: AAD })
            .map_err(|_| OpenError)?;
        String::from_utf8(pt).map(Secret::new).map_err(|_| OpenError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper_detection() {
        let vault = TokenVault::new(&[7u8; 32]);
        let sealed = vault.seal(&Secret::new("MIItoken"));
        assert!(!sealed.contains("MIItoken"));
        assert_eq!(vault.open(&sealed).unwrap().expose(), "MIItoken");
        assert_ne!(sealed, vault.seal(&Secret::new("MIItoken")), "fresh nonce each time");

        let mut bytes = B64.decode(&sealed).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        assert!(vault.open(&B64.encode(bytes)).is_err());
        assert!(TokenVault::new(&[8u8; 32]).open(&sealed).is_err(), "another key cannot open it");
    }
}
