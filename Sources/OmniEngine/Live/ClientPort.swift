import Foundation

/// An internal test and diagnostic port for a running node (`omni serve --client-port`), not
/// the public API (that is the HTTP/OpenAI server built on `CompletionBackend`). Bound to
/// 127.0.0.1 only.
///
/// A client connects and sends one JSON line, either a request
/// `{"prompt_token_ids": [1, 2], "max_tokens": 8, "temperature": 0, "seed": 0, "ignore_eos": true}`
/// (optional: `top_p`, `top_k`, `min_p`, `repetition_penalty`, `stop_token_ids`; without them the
/// model's stop tokens apply), answered by `{"token": ID}` lines then `{"finish": "length"}` or
/// `{"finish": "stop"}`, or `{"error": "...", "kind": "..."}`; or `{"status": true}`, answered by
/// one line of `ClusterStatus` JSON. Closing the connection early cancels the request.
public final class ClientPort: @unchecked Sendable {
    /// The request line's fields.
    struct RequestLine: Decodable {
        var prompt_token_ids: [Int]?
        var max_tokens: Int?
        var temperature: Double?
        var top_p: Double?
        var top_k: Int?
        var min_p: Double?
        var repetition_penalty: Double?
        var seed: UInt64?
        var ignore_eos: Bool?
        var stop_token_ids: [Int]?
        var status: Bool?
    }

    public static let maxLineBytes = 4 << 20
    /// Connections served at once; more are answered with an error and closed.
    public static let maxConnections = 256
    private var active = 0
    private let backend: any CompletionBackend
    private let log: @Sendable (String) -> Void
    private var listener: Socket?
    private let lock = NSLock()
    private var stopped = false
    public private(set) var endpoint: IPv4Endpoint?

    public init(backend: any CompletionBackend, log: @escaping @Sendable (String) -> Void) {
        self.backend = backend
        self.log = log
    }

    /// Listens on 127.0.0.1:`port` (0 picks a free port).
    public func start(port: UInt16) throws {
        let socket = try Socket.listenTCP(on: IPv4Endpoint(address: 0x7f00_0001, port: port))
        listener = socket
        endpoint = socket.localEndpoint
        Thread.detachNewThread { [self] in
            while true {
                guard let (client, _) = try? socket.accept() else {
                    lock.lock(); let done = stopped; lock.unlock()
                    if done { socket.close(); return }
                    usleep(50_000)
                    continue
                }
                lock.lock()
                let admitted = active < Self.maxConnections
                if admitted { active += 1 }
                lock.unlock()
                guard admitted else {
                    try? client.sendAll(Self.line(["error": "the client port already serves \(Self.maxConnections) connections", "kind": "queue_full"]))
                    client.close()
                    continue
                }
                Thread.detachNewThread { [self] in
                    serve(client)
                    lock.lock(); active -= 1; lock.unlock()
                }
            }
        }
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        listener?.shutdown()
    }

    static func line(_ object: [String: Any]) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data) + [10]
    }

    private func readLine(_ socket: Socket) throws -> [UInt8] {
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = try socket.receive(into: &buffer)
            guard n > 0 else { throw LiveError.badClientRequest("the connection closed before a full line arrived") }
            if let newline = buffer[0..<n].firstIndex(of: 10) {
                line.append(contentsOf: buffer[0..<newline])
                return line
            }
            line.append(contentsOf: buffer[0..<n])
            guard line.count <= Self.maxLineBytes else { throw LiveError.badClientRequest("the request line is longer than \(Self.maxLineBytes) bytes") }
        }
    }

    /// Turns a request line into a completion request; errors name the field.
    func parse(_ bytes: [UInt8]) throws -> (CompletionRequest?, wantsStatus: Bool) {
        let request: RequestLine
        do {
            request = try JSONDecoder().decode(RequestLine.self, from: Data(bytes))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw LiveError.badClientRequest("field '\(path)': \(context.debugDescription)")
        } catch {
            throw LiveError.badClientRequest("the line is not a JSON object: \(error.localizedDescription)")
        }
        if request.status == true { return (nil, true) }
        guard let prompt = request.prompt_token_ids else { throw LiveError.badClientRequest("'prompt_token_ids' is required") }
        var sampling = SamplingParameters()
        sampling.temperature = request.temperature ?? 0
        sampling.topP = request.top_p ?? 1
        sampling.topK = request.top_k ?? 0
        sampling.minP = request.min_p ?? 0
        sampling.repetitionPenalty = request.repetition_penalty ?? 1
        sampling.seed = request.seed ?? 0
        let stops = request.stop_token_ids.map(Set.init) ?? backend.model.stopTokenIds
        return (CompletionRequest(promptTokens: prompt, maxTokens: request.max_tokens ?? 16, sampling: sampling,
                                  stopTokenIds: stops, ignoreEOS: request.ignore_eos ?? false), false)
    }

    private func serve(_ socket: Socket) {
        defer { socket.close() }
        do {
            try socket.setReceiveTimeout(30)
            let (request, wantsStatus) = try parse(try readLine(socket))
            if wantsStatus {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                try socket.sendAll(Array(try encoder.encode(backend.status())) + [10])
                return
            }
            guard let request else { return }
            let events = EventQueue()
            let handle = backend.submit(request) { events.push($0) }
            var writable = true
            while true {
                let event = events.pop()
                var out: [UInt8]
                var done = false
                switch event {
                case .token(let t): out = Self.line(["token": t])
                case .logprobs(let lp): out = Self.line(["logprob": lp.logprob])
                case .finished(let reason): out = Self.line(["finish": reason.rawValue]); done = true
                case .failed(let failure):
                    out = Self.line(["error": failure.localizedDescription, "kind": Self.kind(failure)]); done = true
                }
                if writable {
                    do { try socket.sendAll(out) } catch { writable = false; handle.cancel() }
                }
                if done { return }
            }
        } catch {
            try? socket.sendAll(Self.line(["error": error.localizedDescription, "kind": "invalid"]))
        }
    }

    static func kind(_ failure: CompletionFailure) -> String {
        switch failure {
        case .queueFull: "queue_full"
        case .doesNotFit: "does_not_fit"
        case .invalid: "invalid"
        case .unavailable: "unavailable"
        case .cancelled: "cancelled"
        }
    }

    /// Events from the backend's threads to the connection's thread.
    final class EventQueue: @unchecked Sendable {
        private let condition = NSCondition()
        private var items: [CompletionEvent] = []
        func push(_ e: CompletionEvent) { condition.lock(); items.append(e); condition.signal(); condition.unlock() }
        func pop() -> CompletionEvent {
            condition.lock()
            defer { condition.unlock() }
            while items.isEmpty { condition.wait() }
            return items.removeFirst()
        }
    }
}
