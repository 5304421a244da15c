use std::net::SocketAddr;

use clap::Parser;

/// The SecPortal cloud emulator on its own: every service on one address at its real paths.
#[derive(Parser)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8600")]
    addr: SocketAddr,
    /// Seed of the demo data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How much demo data: small, default or large.
    #[arg(long, default_value = "default")]
    data_size: emulator::data::DataSize,
    /// When export and scan tasks finish: immediate, reads:N (after N status reads) or
    /// seconds:T (T seconds after they start).
    #[arg(long, default_value = "seconds:8")]
    task_timing: emulator::timing::TaskTiming,
    /// HSS's per-user rate limit of 5 calls a minute per API: on or off.
    #[arg(long, default_value = "on", value_parser = ["on", "off"])]
    rate_limits: String,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let running = emulator::spawn(
        args.addr,
        emulator::Config {
            seed: args.seed,
            task_timing: args.task_timing,
            hss_rate_limit: (args.rate_limits == "on").then_some(5),
            data_size: args.data_size,
            ..emulator::Config::default()
        },
    )
    .await?;
    tracing::info!(addr = %running.addr, "emulator listening");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
