fn main() -> std::process::ExitCode {
    trainpack::cli::main()
}
