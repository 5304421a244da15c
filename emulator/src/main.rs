use std::net::SocketAddr;

use clap::Parser;

/// The SecPortal cloud emulator on its own: every service on one address at its real paths.
#[derive(Parser)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8600")]
    addr: SocketAddr,
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
    let running = emulator::spawn(args.addr, emulator::Config::default()).await?;
    tracing::info!(addr = %running.addr, "emulator listening");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
