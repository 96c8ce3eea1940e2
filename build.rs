//! How the `trove` binary is linked on Linux with glibc: statically when the C library's
//! static archives are there (Debian and Ubuntu's `libc6-dev`, which any Rust build on
//! them has; Fedora's `glibc-static`), else as a position-dependent executable.
//!
//! Why: most of a `trove search` is the process starting. A dynamically linked trove has
//! the loader map libc, libm and libgcc_s, apply their relocations and resolve symbols
//! at every start; a PIE of this size also carries ~54,000 relative relocations that the
//! loader applies (and whose pages it dirties). Measured (bench/RESULTS.md, README
//! "Performance"): a static trove starts in about half a millisecond less than the
//! dynamic one, and a position-dependent one 1 ms less than a PIE.
//!
//! How: rustc links the target's libraries dynamically unless the target feature
//! `crt-static` is on, and cargo cannot build proc-macros with that feature unless a
//! `--target` is named. So the binary's link line gets `-static`, and a folder of
//! links named as the libraries rustc asks for (`-lc`, `-lm`, `-lgcc_s`...) that point
//! at their static archives (`libgcc_s` at `libgcc_eh`, the unwinder's static half), so
//! every `-l` finds an archive before any shared library. Only binaries are linked so;
//! the library, tests and build tools are not. `TROVE_LINK=dynamic` keeps the dynamic
//! link, as does a cross build. A build with `crt-static` on (`-C
//! target-feature=+crt-static`) chooses its own linking: this script stays out of it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What rustc's link line names (std's and the libc crate's `-l`), and the static
/// archive each stands for.
const ARCHIVES: [(&str, &str); 9] = [
    ("libc.a", "libc.a"),
    ("libm.a", "libm.a"),
    ("libgcc_s.a", "libgcc_eh.a"),
    ("libgcc.a", "libgcc.a"),
    ("libpthread.a", "libpthread.a"),
    ("libdl.a", "libdl.a"),
    ("librt.a", "librt.a"),
    ("libutil.a", "libutil.a"),
    ("libresolv.a", "libresolv.a"),
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=TROVE_LINK");
    println!("cargo:rerun-if-env-changed=CC");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let crt_static = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" || crt_static {
        return;
    }
    // Position-dependent either way: a static PIE would need a static-pie start file.
    println!("cargo:rustc-link-arg-bins=-no-pie");
    // The archives are found by asking the C compiler; a cross build's compiler is
    // another's (CC_<target>, TARGET_CC...): such builds keep the dynamic link.
    if var("TROVE_LINK") == "dynamic" || var("HOST") != var("TARGET") {
        return;
    }
    let folder = PathBuf::from(var("OUT_DIR")).join("static-libs");
    match link_folder(&folder) {
        Ok(()) => {
            println!("cargo:rustc-link-arg-bins=-static");
            println!("cargo:rustc-link-arg-bins=-L{}", folder.display());
            // libc.a calls into libgcc (the compiler's helpers), named last.
            println!("cargo:rustc-link-arg-bins=-lgcc");
        }
        Err(missing) => println!(
            "cargo:warning=trove is linked dynamically: no static {missing} here \
             (Debian/Ubuntu: libc6-dev; Fedora: glibc-static); it starts ~0.5 ms slower"
        ),
    }
}

/// Makes `folder` hold a link per library rustc names, to its static archive; the name
/// of the first archive the C compiler does not know, if one is missing.
fn link_folder(folder: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(folder);
    std::fs::create_dir_all(folder).map_err(|e| format!("folder ({e})"))?;
    let cc = std::env::var("CC")
        .ok()
        .filter(|c| !c.is_empty())
        .unwrap_or("cc".into());
    for (name, archive) in ARCHIVES {
        let path = Command::new(&cc)
            .arg(format!("-print-file-name={archive}"))
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .map(|s| PathBuf::from(s.trim()))
            // An archive the compiler does not know comes back as its bare name.
            .filter(|p| p.is_absolute())
            .and_then(|p| p.canonicalize().ok())
            .ok_or_else(|| archive.to_string())?;
        place(&path, &folder.join(name))
            .map_err(|e| format!("link to {} ({e})", path.display()))?;
    }
    Ok(())
}

/// A link at `to` naming `from` (a copy where the building host has no symbolic links).
fn place(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    return std::os::unix::fs::symlink(from, to);
    #[cfg(not(unix))]
    return std::fs::copy(from, to).map(drop);
}
