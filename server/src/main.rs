use clap::Parser;
use leptos::config::get_configuration;
use server::{build, Config};
use tokio::net::TcpListener;

fn main() -> std::process::ExitCode {
    // At least four workers, however few cores. The stalled pages we could reproduce came from
    // resources made inside a Suspense (fixed in the shell); one stalled `/login` render in a
    // router test remains unexplained, and upstream saw such stalls with one or two workers and
    // not with four (leptos-rs/leptos#4647). A hedge, not a cure.
    let workers = std::thread::available_parallelism().map_or(4, |n| n.get()).max(4);
    match tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build() {
        Ok(runtime) => runtime.block_on(serve()),
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve() -> std::process::ExitCode {
    let config = Config::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&config.log))
        // Colour codes only for a person at a terminal, not in log files or CI output.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    if config.log_format == "json" {
        logs.json().with_current_span(true).with_span_list(false).init();
    } else {
        logs.init();
    }
    match run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    tracing::info!(%config, "starting SecPortal");
    let leptos = get_configuration(None)?.leptos_options;
    let addr = config.addr.unwrap_or(leptos.site_addr);
    config.check_exposure(addr)?;
    let built = build(&config, leptos).await?;
    let listener = TcpListener::bind(addr).await?;
    if let Some(metrics_addr) = config.metrics_addr {
        let scrape = server::metrics::Scrape { storage: built.storage.clone(), portal: built.portal.clone() };
        let metrics_listener = TcpListener::bind(metrics_addr).await?;
        tracing::info!("metrics on http://{metrics_addr}/metrics");
        tokio::spawn(async move {
            if let Err(e) = axum::serve(metrics_listener, server::metrics::router(scrape)).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    if config.is_demo() {
        tracing::info!("DEMO MODE: sign in at http://{addr}/login as operator / operator-pass-1 (account secportal-demo)");
    }
    tracing::info!("listening on http://{addr}");
    server::listen::serve(listener, built.router.clone(), config.listen_limits(), shutdown_signal()).await?;
    built.storage.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
