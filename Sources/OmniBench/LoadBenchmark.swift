import Foundation
import OmniEngine

/// Why the load benchmark could not run.
public enum LoadBenchmarkError: LocalizedError {
    case badURL(String)
    case connection(String)
    case server(String)

    public var errorDescription: String? {
        switch self {
        case .badURL(let u): return "'\(u)' is not an http://host:port URL"
        case .connection(let m): return m
        case .server(let m): return m
        }
    }
}

/// Streams chat completions from an OMNI (or any OpenAI-compatible) server with N concurrent
/// clients and reports time to first token and aggregate tokens/s.
public enum LoadBenchmark {
    /// What was asked for.
    public struct Settings: Sendable {
        public var url: String
        public var concurrency: Int
        public var requests: Int
        public var maxTokens: Int
        public var model: String?
        public var apiKey: String?
        public var prompt: String

        public init(url: String, concurrency: Int, requests: Int, maxTokens: Int = 64, model: String? = nil,
                    apiKey: String? = nil, prompt: String = "Write a short story about a lighthouse.") {
            self.url = url; self.concurrency = concurrency; self.requests = requests; self.maxTokens = maxTokens
            self.model = model; self.apiKey = apiKey; self.prompt = prompt
        }
    }

    /// The figures, in seconds and tokens.
    public struct Report: Sendable, Codable {
        public var model: String
        public var concurrency: Int
        public var requests: Int
        public var failed: Int
        public var ttftP50: Double
        public var ttftP99: Double
        public var wallSeconds: Double
        public var completionTokens: Int
        public var aggregateTokensPerSecond: Double
        /// Median over requests of decode tokens/s after the first token.
        public var perRequestTokensPerSecond: Double
        public var firstError: String?
    }

    fileprivate struct Sample { var ttft: Double; var tokens: Int; var decodeSeconds: Double }

    public static func run(_ settings: Settings) throws -> Report {
        let client = try LoadClient(url: settings.url)
        let auth = settings.apiKey.map { ["Authorization: Bearer \($0)"] } ?? []
        let model: String
        if let given = settings.model {
            model = given
        } else {
            let r = try client.send(method: "GET", path: "/v1/models", headers: auth, body: [])
            guard r.status == 200, let json = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any],
                  let first = (json["data"] as? [[String: Any]])?.first?["id"] as? String else {
                throw LoadBenchmarkError.server("GET /v1/models answered \(r.status): \(String(decoding: r.body.prefix(300), as: UTF8.self))")
            }
            model = first
        }
        let payload: [String: Any] = [
            "model": model, "stream": true, "stream_options": ["include_usage": true], "max_tokens": settings.maxTokens,
            "temperature": 0, "ignore_eos": true, "messages": [["role": "user", "content": settings.prompt]],
        ]
        let body = Array(try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]))
        let state = LoadState(total: settings.requests)
        let clock = ContinuousClock()
        let start = clock.now
        let group = DispatchGroup()
        for _ in 0..<max(1, settings.concurrency) {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while state.take() {
                    state.record(measure(client, headers: auth, body: body, clock: clock))
                }
            }
        }
        group.wait()
        let (samples, failures) = state.results
        let wall = (clock.now - start).seconds
        let ttfts = samples.map(\.ttft).sorted()
        let rates = samples.filter { $0.decodeSeconds > 0 && $0.tokens > 1 }.map { Double($0.tokens - 1) / $0.decodeSeconds }.sorted()
        let tokens = samples.reduce(0) { $0 + $1.tokens }
        return Report(model: model, concurrency: settings.concurrency, requests: settings.requests, failed: failures.count,
                      ttftP50: percentile(ttfts, 0.5), ttftP99: percentile(ttfts, 0.99), wallSeconds: wall,
                      completionTokens: tokens, aggregateTokensPerSecond: wall > 0 ? Double(tokens) / wall : 0,
                      perRequestTokensPerSecond: percentile(rates, 0.5), firstError: failures.first)
    }

    /// Nearest-rank percentile of sorted values (0 when empty).
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    private static func measure(_ client: LoadClient, headers: [String], body: [UInt8], clock: ContinuousClock) -> Result<Sample, Error> {
        let start = clock.now
        var first: ContinuousClock.Instant?
        var pending = ""
        var usageTokens: Int?
        var contentEvents = 0
        do {
            let response = try client.send(method: "POST", path: "/v1/chat/completions", headers: headers, body: body) { piece in
                pending += String(decoding: piece, as: UTF8.self)
                while let range = pending.range(of: "\n\n") {
                    let event = String(pending[..<range.lowerBound])
                    pending.removeSubrange(..<range.upperBound)
                    guard event.hasPrefix("data: "), event != "data: [DONE]",
                          let json = try? JSONSerialization.jsonObject(with: Data(event.dropFirst(6).utf8)) as? [String: Any] else { continue }
                    if let usage = json["usage"] as? [String: Any], let n = usage["completion_tokens"] as? Int { usageTokens = n }
                    let delta = ((json["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])
                    if let content = delta?["content"] as? String, !content.isEmpty {
                        contentEvents += 1
                        if first == nil { first = clock.now }
                    }
                }
            }
            guard response.status == 200 else {
                return .failure(LoadBenchmarkError.server("HTTP \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))"))
            }
            let end = clock.now
            let firstAt = first ?? end
            return .success(Sample(ttft: (firstAt - start).seconds, tokens: usageTokens ?? contentEvents, decodeSeconds: (end - firstAt).seconds))
        } catch {
            return .failure(error)
        }
    }
}

/// Work left and results so far, shared by the client threads.
private final class LoadState: @unchecked Sendable {
    private let lock = NSLock()
    private var left: Int
    private var samples: [LoadBenchmark.Sample] = []
    private var failures: [String] = []

    init(total: Int) { left = total }

    /// Claims one request; false when none are left.
    func take() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard left > 0 else { return false }
        left -= 1
        return true
    }

    func record(_ result: Result<LoadBenchmark.Sample, Error>) {
        lock.lock(); defer { lock.unlock() }
        switch result {
        case .success(let s): samples.append(s)
        case .failure(let e): failures.append(e.localizedDescription)
        }
    }

    var results: ([LoadBenchmark.Sample], [String]) { lock.lock(); defer { lock.unlock() }; return (samples, failures) }
}
