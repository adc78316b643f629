//! A closed standard output (`knowhow bench | head`) ends the binary quietly, as it does any Unix tool, instead of a
//! panic in the middle of printing.

#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_the_process_without_a_panic() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};

    // The reading end is closed before the process starts: its first line of output meets a broken pipe.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/experiments/quick.ron");
    let output = Command::new(env!("CARGO_BIN_EXE_knowhow"))
        .args(["validate", spec])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("the binary starts");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.signal(), Some(libc::SIGPIPE), "{:?}", output.status);
}
