//! Static assets. The wasm, JS and CSS are compressed once at start-up (brotli and gzip beside
//! each file) so every request is served precompressed instead of compressed per request.

use std::io::Write;
use std::path::{Path, PathBuf};

use axum::Router;
use tower_http::services::ServeDir;

const COMPRESSIBLE: &[&str] = &["wasm", "js", "css", "svg", "json", "html"];

pub fn pkg_router<S: Clone + Send + Sync + 'static>(pkg_dir: PathBuf) -> Router<S> {
    Router::new().nest_service("/pkg", ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip())
}

/// Writes `file.br` and `file.gz` beside each compressible file that lacks a fresh one.
pub fn precompress(dir: &Path) -> std::io::Result<usize> {
    let mut written = 0;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(0);
    };
    for entry in entries {
        let path = entry?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if !path.is_file() || !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let modified = path.metadata()?.modified()?;
        for (suffix, compress) in
            [("br", brotli_bytes as fn(&[u8]) -> std::io::Result<Vec<u8>>), ("gz", gzip_bytes)]
        {
            let target = PathBuf::from(format!("{}.{suffix}", path.display()));
            let fresh = target.metadata().and_then(|m| m.modified()).is_ok_and(|t| t >= modified);
            if !fresh {
                let data = std::fs::read(&path)?;
                std::fs::write(&target, compress(&data)?)?;
                written += 1;
            }
        }
    }
    Ok(written)
}

fn brotli_bytes(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(data)?;
    }
    Ok(out)
}

fn gzip_bytes(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data)?;
    enc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compresses_once_and_round_trips() {
        let dir = std::env::temp_dir().join(format!("secportal-assets-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let body = "function hydrate() {}\n".repeat(200);
        std::fs::write(dir.join("app.js"), &body).unwrap();
        std::fs::write(dir.join("logo.png"), b"\x89PNG").unwrap();
        assert_eq!(precompress(&dir).unwrap(), 2);
        assert_eq!(precompress(&dir).unwrap(), 0, "fresh files are left alone");
        let gz = std::fs::read(dir.join("app.js.gz")).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut text).unwrap();
        assert_eq!(text, body);
        assert!(!dir.join("logo.png.br").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
