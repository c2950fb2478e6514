import Foundation
import OmniCommandLine
import OmniEngine

/// `omni client`: sends one request to a node's internal client port (`omni serve
/// --client-port`) and prints the result as one JSON object (or, with --stream, each line as
/// it arrives). For tests and diagnostics; the public API is the HTTP server.
enum ClientCommand {
    static let spec = CommandSpec(name: "omni client", summary: "Send one request to a running node's internal client port.", options: [
        OptionSpec("port", value: "P", help: "The node's --client-port (on 127.0.0.1)."),
        OptionSpec("prompt-ids", value: "IDS", help: "Comma-separated prompt token ids."),
        OptionSpec("max-tokens", value: "N", help: "Most tokens to generate.", default: "16"),
        OptionSpec("temperature", value: "T", help: "Sampling temperature; 0 is greedy.", default: "0"),
        OptionSpec("seed", value: "S", help: "Random seed for sampling.", default: "0"),
        OptionSpec("ignore-eos", help: "Keep generating past end-of-sequence tokens."),
        OptionSpec("status", help: "Print the node's view of the cluster instead."),
        OptionSpec("stream", help: "Print every line from the node as it arrives."),
        OptionSpec("timeout", value: "SECONDS", help: "Give up when the node is silent this long.", default: "60"),
    ])

    static func run(_ arguments: [String]) throws {
        let args = try spec.parse(arguments)
        if args.flag("help") { print(spec.help); return }
        guard let port = try args.int("port", range: 1...65_535) else { throw CommandLineError.missingOption(command: spec.name, option: "port") }
        var request: [String: Any]
        if args.flag("status") {
            request = ["status": true]
        } else {
            guard let text = args.string("prompt-ids") else { throw CommandLineError.missingOption(command: spec.name, option: "prompt-ids") }
            let ids = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !ids.isEmpty, ids.allSatisfy({ $0 != nil }) else {
                throw CommandLineError.invalidValue(command: spec.name, option: "prompt-ids", value: text, expected: "comma-separated integers like 1,2,3")
            }
            request = ["prompt_token_ids": ids.compactMap { $0 }, "max_tokens": try args.int("max-tokens", range: 1...10_000_000) ?? 16,
                       "temperature": try args.double("temperature", range: 0...100) ?? 0, "seed": try args.uint64("seed") ?? 0,
                       "ignore_eos": args.flag("ignore-eos")]
        }
        let socket = try Socket.connectTCP(to: IPv4Endpoint(address: 0x7f00_0001, port: UInt16(port)), timeout: 5)
        try socket.setReceiveTimeout(try args.double("timeout", range: 0.1...86_400) ?? 60)
        try socket.sendAll(Array(try JSONSerialization.data(withJSONObject: request, options: [.sortedKeys])) + [10])

        let stdout = FileHandle.standardOutput
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var tokens: [Int] = []
        while true {
            let n = try socket.receive(into: &buffer)
            guard n > 0 else { throw LiveError.badClientRequest("the node closed the connection before finishing the request") }
            pending.append(contentsOf: buffer[0..<n])
            while let newline = pending.firstIndex(of: 10) {
                let line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                if args.flag("stream") || args.flag("status") { stdout.write(Data(line + [10])) }
                if args.flag("status") { return }
                guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                    throw LiveError.badClientRequest("the node sent a line that is not a JSON object")
                }
                if let token = object["token"] as? Int { tokens.append(token); continue }
                var result: [String: Any] = ["token_ids": tokens]
                if let finish = object["finish"] as? String { result["finish_reason"] = finish }
                if let error = object["error"] { result["error"] = error; result["kind"] = object["kind"] ?? "unknown" }
                if !args.flag("stream") {
                    stdout.write(try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]) + Data("\n".utf8))
                }
                if result["error"] != nil { exit(2) }
                return
            }
        }
    }
}
