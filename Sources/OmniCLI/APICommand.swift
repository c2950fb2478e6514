import Foundation
import Glibc
import OmniAPI
import OmniCommandLine
import OmniEngine

/// `omni api`: serves one model on this machine alone through the OpenAI-compatible API and the
/// web chat (the cluster's `omni serve` runs the same server over the cluster backend).
enum APICommand {
    static let spec = CommandSpec(name: "omni api", summary: "Serve a model on this machine through the OpenAI-compatible HTTP API and web chat. Runs until interrupted.", options: [
        OptionSpec("model", value: "DIR", help: "Hugging Face checkpoint directory.", default: "the bundled omni-shakespeare model"),
    ] + APIServeOptions.options + [
        OptionSpec("max-queued", value: "N", help: "Requests that may wait for the device before 429.", default: "64"),
    ])

    static func run(_ arguments: [String]) throws {
        let args = try spec.parse(arguments)
        if args.flag("help") { print(spec.help); return }
        let modelURL = try ModelOption.directory(args, command: spec.name)
        let maxQueued = try args.int("max-queued", range: 1...100_000) ?? 64
        let model = try LocalModel(directory: modelURL.standardizedFileURL)
        let configuration = try APIServeOptions.configuration(args, raw: arguments, defaultModelName: model.name)
        let backend = try LocalCompletionBackend(model: model, maxQueued: maxQueued)
        let server = APIServer(backend: backend, configuration: configuration)
        signal(SIGPIPE, SIG_IGN)
        // Stop cleanly on SIGINT/SIGTERM: the handler writes a byte to a pipe the main thread
        // waits on. Installed before the port is announced, so no early signal is lost.
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw APIServerError.socketFailed("pipe()", errno: errno) }
        StopPipe.writeEnd = fds[1]
        // A parent may have started us with these signals blocked (posix_spawn passes on the
        // spawning thread's mask, and dispatch worker threads block signals): unblock them.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { _ in
                var byte: UInt8 = 1
                _ = write(StopPipe.writeEnd, &byte, 1)
            }
        }
        try server.start()
        // Tests and scripts read this line to learn the port.
        FileHandle.standardOutput.write(Data("omni api: serving \(configuration.modelName) on http://\(configuration.host):\(server.boundPort)\n".utf8))
        var byte: UInt8 = 0
        while read(fds[0], &byte, 1) < 0 && errno == EINTR {}
        server.stop()
    }
}

/// The pipe a signal handler writes to (a signal handler can only touch a global).
enum StopPipe {
    nonisolated(unsafe) static var writeEnd: Int32 = -1
}
