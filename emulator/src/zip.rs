//! A minimal ZIP writer (stored entries, no compression) for exported files. Enough for any
//! unzip tool and spreadsheet program; no dependency for a few dozen lines.

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

const CRC_TABLE: [u32; 256] = crc_table();

pub fn crc32(data: &[u8]) -> u32 {
    !crc32_update(!0, data)
}

/// Feeds `data` into a running CRC (start from `!0`, finish with `!`).
fn crc32_update(crc: u32, data: &[u8]) -> u32 {
    data.iter().fold(crc, |c, &b| CRC_TABLE[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8))
}

/// The CRC of `n` zero bytes, a chunk at a time.
fn crc32_zeros(mut n: u64) -> u32 {
    const CHUNK: [u8; 65536] = [0; 65536];
    let mut crc = !0u32;
    while n > 0 {
        let take = n.min(CHUNK.len() as u64) as usize;
        crc = crc32_update(crc, &CHUNK[..take]);
        n -= take as u64;
    }
    !crc
}

/// Builds a ZIP archive from `(name, content)` entries.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let parts = zip_with_zeros(entries, None);
    let mut out = parts.head;
    out.extend(parts.tail);
    out
}

/// An archive in three parts so a large one need not exist in memory: `head` (the given
/// entries, then the local header of the zero-filled entry), `zeros` zero bytes, `tail`.
pub struct ZipParts {
    pub head: Vec<u8>,
    pub zeros: u64,
    pub tail: Vec<u8>,
}

/// Like [`zip`], plus an optional last entry of `(name, n)` zero bytes (up to 4 GiB: no ZIP64).
pub fn zip_with_zeros(entries: &[(&str, &[u8])], zeros: Option<(&str, u32)>) -> ZipParts {
    let mut out = Vec::new();
    let mut central = Vec::new();
    // 2025-01-01 00:00 in MS-DOS date/time.
    let (dos_time, dos_date) = (0u16, ((2025 - 1980) << 9 | 1 << 5 | 1) as u16);
    let mut offset = 0u32;
    let all = entries
        .iter()
        .map(|(n, d)| (*n, d.len() as u32, Some(*d)))
        .chain(zeros.map(|(n, len)| (n, len, None)));
    for (name, size, data) in all {
        let crc = match data {
            Some(d) => crc32(d),
            None => crc32_zeros(u64::from(size)),
        };
        let entry_offset = offset;
        let header = |sig: u32, central_dir: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central_dir {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&0x0800u16.to_le_bytes()); // UTF-8 names
            h.extend_from_slice(&0u16.to_le_bytes()); // stored
            h.extend_from_slice(&dos_time.to_le_bytes());
            h.extend_from_slice(&dos_date.to_le_bytes());
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central_dir {
                h.extend_from_slice(&[0u8; 6]); // comment len, disk, internal attrs
                h.extend_from_slice(&0u32.to_le_bytes()); // external attrs
                h.extend_from_slice(&entry_offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        let local = header(0x0403_4b50, false);
        offset += local.len() as u32 + size;
        out.extend(local);
        if let Some(d) = data {
            out.extend_from_slice(d);
        }
        central.extend(header(0x0201_4b50, true));
    }
    let count = (entries.len() + usize::from(zeros.is_some())) as u16;
    let mut tail = Vec::new();
    tail.extend_from_slice(&central);
    tail.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    tail.extend_from_slice(&[0u8; 4]); // disk numbers
    tail.extend_from_slice(&count.to_le_bytes());
    tail.extend_from_slice(&count.to_le_bytes());
    tail.extend_from_slice(&(central.len() as u32).to_le_bytes());
    tail.extend_from_slice(&offset.to_le_bytes()); // the central directory starts where the data ends
    tail.extend_from_slice(&0u16.to_le_bytes());
    ZipParts { head: out, zeros: zeros.map_or(0, |(_, n)| u64::from(n)), tail }
}

/// RFC 4180 CSV with a UTF-8 byte-order mark, so spreadsheet programs read the encoding right.
pub fn csv(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("\u{feff}");
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        out.push_str(&row.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn archive_is_readable_by_unzip() {
        let data = zip(&[("a.csv", b"x,y\r\n1,2\r\n"), ("b.txt", b"hello")]);
        assert_eq!(&data[..4], b"PK\x03\x04");
        let dir = std::env::temp_dir().join(format!("emu-zip-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.zip");
        std::fs::write(&path, &data).unwrap();
        // Python's zipfile is on every machine of this kind and checks CRCs.
        let out = std::process::Command::new("python3")
            .args(["-c", "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(z.read('b.txt').decode())"])
            .arg(&path)
            .output()
            .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "hello");
    }

    #[test]
    fn zero_filled_entry_in_parts() {
        let parts = zip_with_zeros(&[("a.csv", b"x\r\n")], Some(("padding.bin", 70_000)));
        let mut whole = parts.head.clone();
        whole.extend(std::iter::repeat_n(0u8, parts.zeros as usize));
        whole.extend(&parts.tail);
        let dir = std::env::temp_dir().join(format!("emu-zip0-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.zip");
        std::fs::write(&path, &whole).unwrap();
        let out = std::process::Command::new("python3")
            .args(["-c", "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.read('padding.bin')))"])
            .arg(&path)
            .output()
            .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "70000");
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let out = csv(&["a".into(), "b".into()], &[vec!["x,1".into(), "say \"hi\"".into()]]);
        assert_eq!(String::from_utf8(out).unwrap(), "\u{feff}a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\r\n");
    }
}
