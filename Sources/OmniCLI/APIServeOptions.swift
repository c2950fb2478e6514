import Foundation
import OmniAPI
import OmniCommandLine

/// The API server's command-line options, shared by `omni api` and `omni serve`.
enum APIServeOptions {
    static let options: [OptionSpec] = [
        OptionSpec("api-host", value: "ADDR", help: "Address the API listens on.", default: "127.0.0.1"),
        OptionSpec("api-port", value: "PORT", help: "Port the API listens on; 0 picks a free one.", default: "52415"),
        OptionSpec("api-key", value: "KEY", help: "Require 'Authorization: Bearer KEY' on every request."),
        OptionSpec("cors-origin", value: "ORIGIN", help: "Send CORS headers to this origin (repeat for more)."),
        OptionSpec("max-body", value: "BYTES", help: "Largest request body accepted (413 above).", default: "4MiB"),
        OptionSpec("model-name", value: "NAME", help: "Model id clients use.", default: "the model directory's name"),
        OptionSpec("header-timeout", value: "SECONDS", help: "Time a client has to send a request's headers.", default: "10"),
    ]

    /// The configuration from parsed options; `raw` is the argument list (for repeated options).
    static func configuration(_ args: ParsedArguments, raw: [String], defaultModelName: String) throws -> APIConfiguration {
        var configuration = APIConfiguration(modelName: args.string("model-name") ?? defaultModelName)
        configuration.host = args.string("api-host") ?? "127.0.0.1"
        configuration.port = try args.int("api-port", range: 0...65535) ?? 52415
        configuration.apiKey = args.string("api-key")
        configuration.corsOrigins = repeated("cors-origin", in: raw)
        configuration.maxBodyBytes = try args.byteSize("max-body") ?? (4 << 20)
        configuration.headerTimeoutSeconds = try args.double("header-timeout", range: 0.1...3600) ?? 10
        return configuration
    }

    /// Every value given to a repeatable option (`--name V` or `--name=V`).
    static func repeated(_ name: String, in raw: [String]) -> [String] {
        var values: [String] = []
        var i = 0
        while i < raw.count {
            if raw[i] == "--" + name, i + 1 < raw.count { values.append(raw[i + 1]); i += 2; continue }
            if raw[i].hasPrefix("--\(name)=") { values.append(String(raw[i].dropFirst(name.count + 3))) }
            i += 1
        }
        return values
    }
}
