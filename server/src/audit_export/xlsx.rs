//! The audit log as an XLSX workbook, in bounded memory whatever its size: the store is read in
//! batches on the runtime, a blocking thread writes them into constant-memory worksheets (each
//! row goes to an unlinked temporary file as soon as the next begins), and the zip the workbook
//! is saved as goes to the response in 64 KiB pieces through a bounded channel. A reader that
//! goes away stops the writer at its next piece.

use std::io::{self, Write};
use std::sync::Arc;

use app::dto::audit::{AuditEntry, AuditFilter};
use app::ssr::audit::{AuditScope, AuditStore};
use axum::body::Bytes;
use futures_util::{Stream, StreamExt};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use tokio::sync::mpsc;

use super::{row, CSV_COLUMNS};

/// Excel's rows per worksheet (1,048,576) less the header row: more entries continue on the
/// next sheet.
const ROWS_PER_SHEET: u32 = 1_048_575;
/// Excel's longest cell text; longer parameters are cut there (the CSV keeps them whole).
const CELL_MAX_CHARS: usize = 32_767;
/// The zip reaches the response in pieces of this size.
const CHUNK: usize = 64 * 1024;

type Batch = Result<Vec<AuditEntry>, io::Error>;

/// The workbook's bytes as the response body.
pub fn stream(
    store: Arc<dyn AuditStore>,
    scope: AuditScope,
    filter: AuditFilter,
) -> impl Stream<Item = Result<Bytes, io::Error>> {
    let (batches_tx, batches_rx) = mpsc::channel::<Batch>(2);
    let (bytes_tx, bytes_rx) = mpsc::channel::<Result<Bytes, io::Error>>(4);
    tokio::spawn(async move {
        let mut batches = std::pin::pin!(super::batches(store, scope, filter));
        while let Some(batch) = batches.next().await {
            if batches_tx.send(batch).await.is_err() {
                return; // the writer has stopped
            }
        }
    });
    tokio::task::spawn_blocking(move || {
        let report = bytes_tx.clone();
        let written =
            write(batches_rx, Chunks { tx: bytes_tx, buf: Vec::with_capacity(CHUNK) }, ROWS_PER_SHEET);
        if let Err(e) = written {
            tracing::error!(error = %e, "audit XLSX export failed");
            let _ = report.blocking_send(Err(io::Error::other(e.to_string())));
        }
    });
    futures_util::stream::unfold(bytes_rx, |mut rx| async move { rx.recv().await.map(|b| (b, rx)) })
}

/// Writes every batch into the workbook, a new sheet each `rows_per_sheet` entries, then saves
/// it into `out`.
fn write(
    mut batches: mpsc::Receiver<Batch>,
    out: impl Write + Send,
    rows_per_sheet: u32,
) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold();
    let mut sheet = new_sheet(&mut workbook, 1, &header)?;
    let (mut row_in_sheet, mut sheets) = (0u32, 1usize);
    while let Some(batch) = batches.blocking_recv() {
        for entry in batch? {
            if row_in_sheet == rows_per_sheet {
                sheets += 1;
                let next = new_sheet(&mut workbook, sheets, &header)?;
                workbook.push_worksheet(std::mem::replace(&mut sheet, next));
                row_in_sheet = 0;
            }
            row_in_sheet += 1;
            write_entry(&mut sheet, row_in_sheet, &entry)?;
        }
    }
    workbook.push_worksheet(sheet);
    workbook.save_to_writer(out)
}

/// A constant-memory sheet named "Audit" (then "Audit 2"…) with the bold header row frozen.
fn new_sheet(workbook: &mut Workbook, number: usize, header: &Format) -> Result<Worksheet, XlsxError> {
    let mut sheet = workbook.new_worksheet_with_constant_memory()?;
    sheet.set_name(if number == 1 { "Audit".to_string() } else { format!("Audit {number}") })?;
    for (col, name) in CSV_COLUMNS.iter().enumerate() {
        let width = match *name {
            "time_utc" | "parameters" | "target_name" => 28.0,
            "id" | "region" | "result" => 10.0,
            _ => 18.0,
        };
        sheet.set_column_width(col as u16, width)?;
        sheet.write_string_with_format(0, col as u16, *name, header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(sheet)
}

/// One entry's row: the id as a number, every other value as text (never a formula, so a name
/// that starts with `=` stays a name).
fn write_entry(sheet: &mut Worksheet, at: u32, entry: &AuditEntry) -> Result<(), XlsxError> {
    sheet.write_number(at, 0, entry.id as f64)?;
    for (col, value) in row(entry).iter().enumerate().skip(1) {
        if !value.is_empty() {
            sheet.write_string(at, col as u16, cut(value))?;
        }
    }
    Ok(())
}

fn cut(value: &str) -> &str {
    match value.char_indices().nth(CELL_MAX_CHARS) {
        Some((end, _)) => &value[..end],
        None => value,
    }
}

/// A writer that hands its bytes to the response in `CHUNK`-sized pieces, waiting while the
/// reader is behind; a reader that has gone away fails the write, which stops the export.
struct Chunks {
    tx: mpsc::Sender<Result<Bytes, io::Error>>,
    buf: Vec<u8>,
}

impl Chunks {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx.blocking_send(Ok(piece)).map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
    }
}

impl Write for Chunks {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = CHUNK - self.buf.len();
        let n = data.len().min(room);
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

impl Drop for Chunks {
    fn drop(&mut self) {
        let _ = self.send();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::dto::audit::AuditAction;

    fn entry(id: i64, name: &str) -> AuditEntry {
        let e = crate::audit_store::tests::entry(
            "ops",
            1_767_225_600_000 + id,
            AuditAction::MaskingRuleUpdate,
            name,
        );
        AuditEntry { id, ..e }
    }

    /// The workbook of `batches` (with `rows` entries a sheet) as the zip's bytes.
    fn workbook(batches: Vec<Vec<AuditEntry>>, rows: u32) -> Vec<u8> {
        let (tx, rx) = mpsc::channel(batches.len().max(1));
        for b in batches {
            tx.try_send(Ok(b)).unwrap();
        }
        drop(tx);
        let (bytes_tx, mut bytes_rx) = mpsc::channel(1024);
        write(rx, Chunks { tx: bytes_tx, buf: Vec::new() }, rows).unwrap();
        let mut out = Vec::new();
        while let Ok(piece) = bytes_rx.try_recv() {
            out.extend_from_slice(&piece.unwrap());
        }
        out
    }

    #[test]
    fn entries_past_a_sheet_continue_on_the_next_and_text_stays_text() {
        let entries: Vec<_> =
            (1..=5).map(|i| entry(i, if i == 1 { "=HYPERLINK(\"x\")\u{1}" } else { "web" })).collect();
        let zip = workbook(vec![entries[..3].to_vec(), entries[3..].to_vec()], 2);
        assert_eq!(&zip[..2], b"PK", "a zip");
        let text = String::from_utf8_lossy(&zip);
        for part in ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"] {
            assert!(text.contains(part), "{part}: five entries at two a sheet make three sheets");
        }
        assert!(!text.contains("xl/worksheets/sheet4.xml"));
    }

    #[test]
    fn long_text_is_cut_at_excels_limit_on_a_character_boundary() {
        let long = "é".repeat(CELL_MAX_CHARS + 10);
        assert_eq!(cut(&long).chars().count(), CELL_MAX_CHARS);
        assert_eq!(cut("short"), "short");
    }

    #[test]
    fn a_failed_read_fails_the_workbook() {
        let (tx, rx) = mpsc::channel(2);
        tx.try_send(Ok(vec![entry(1, "a")])).unwrap();
        tx.try_send(Err(io::Error::other("database gone"))).unwrap();
        drop(tx);
        let (bytes_tx, _rx) = mpsc::channel(16);
        assert!(write(rx, Chunks { tx: bytes_tx, buf: Vec::new() }, 10).is_err());
    }
}
