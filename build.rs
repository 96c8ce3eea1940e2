//! Links the `trove` binary as a position-dependent executable on Linux: a PIE of this
//! size carries ~54,000 relative relocations that the dynamic loader applies (and
//! whose pages it dirties) at every start, about 1 ms of every `trove search`.
//! Measured: `trove --version` 2.1 ms as a PIE, 1.1 ms without.
//! A static build (`cargo build-static`, .cargo/config.toml) chooses its own relocation
//! model: `-no-pie` on top of a static PIE links an executable that crashes at start.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    let crt_static = features.split(',').any(|f| f == "crt-static");
    if os == "linux" && env == "gnu" && !crt_static {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
