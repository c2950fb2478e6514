import Foundation
import OmniEngine

/// The OpenAI-compatible HTTP API and web chat of one node, over any `CompletionBackend`
/// (this device alone, or the cluster). `omni api` and `omni serve` both run it.
public final class APIServer: @unchecked Sendable {
    public let backend: any CompletionBackend
    public let configuration: APIConfiguration
    private var http: HTTPServer?
    private let created = Int(Date().timeIntervalSince1970)
    private let lock = NSLock()
    private var nextID: UInt64 = 0
    private var seeds = SystemRandomNumberGenerator()
    private let work = DispatchQueue(label: "omni.api.requests", attributes: .concurrent)

    public init(backend: any CompletionBackend, configuration: APIConfiguration) {
        self.backend = backend
        self.configuration = configuration
    }

    /// Binds and starts serving on a background event-loop thread.
    public func start() throws {
        lock.lock()
        defer { lock.unlock() }
        guard http == nil else { throw APIServerError.alreadyStarted }
        let server = HTTPServer(configuration: configuration) { [weak self] request, writer in
            self?.handle(request, writer)
        }
        try server.start()
        http = server
    }

    /// Stops serving; requests in flight are cancelled.
    public func stop() {
        lock.lock()
        let server = http
        lock.unlock()
        server?.stop()
    }

    /// The port actually bound (useful with port 0).
    public var boundPort: Int {
        lock.lock()
        defer { lock.unlock() }
        return http?.boundPort ?? 0
    }

    // MARK: Routing

    static let routes: [(path: String, methods: [String])] = [
        ("/", ["GET"]), ("/healthcheck", ["GET"]), ("/v1/models", ["GET"]), ("/v1/topology", ["GET"]),
        ("/v1/chat/completions", ["POST"]), ("/v1/completions", ["POST"]),
    ]

    private func allowedMethods(_ path: String) -> [String]? {
        if let route = Self.routes.first(where: { $0.path == path }) { return route.methods }
        if path.hasPrefix("/v1/models/"), path.count > "/v1/models/".count { return ["GET"] }
        return nil
    }

    private func handle(_ request: HTTPRequest, _ writer: ResponseWriter) {
        let path = request.path
        let cors: [(String, String)]
        if let origin = request.header("Origin"), configuration.corsOrigins.contains(origin) {
            cors = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        } else {
            cors = []
        }
        let allowed = allowedMethods(path)
        // CORS preflight: never needs the key (browsers do not send it).
        if request.method == "OPTIONS", let allowed {
            var headers = [("Allow", (allowed + ["OPTIONS"]).joined(separator: ", "))]
            if !cors.isEmpty {
                headers += cors + [("Access-Control-Allow-Methods", (allowed + ["OPTIONS"]).joined(separator: ", ")),
                                   ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
                                   ("Access-Control-Max-Age", "600")]
            }
            writer.respond(status: 204, headers: headers, body: [])
            return
        }
        // The page itself is static and holds no data; a browser cannot send a bearer key when
        // navigating, so `GET /` is open and the page asks for the key. Everything else needs it.
        let isPage = path == "/" && request.method == "GET"
        if let key = configuration.apiKey, !isPage, !Self.authorized(request.header("Authorization"), key: key) {
            return fail(.unauthorized, writer, cors, extra: [("WWW-Authenticate", "Bearer")])
        }
        guard let allowed else { return fail(.routeNotFound(method: request.method, path: path), writer, cors) }
        guard allowed.contains(request.method) else {
            return fail(.methodNotAllowed(method: request.method, path: path, allowed: allowed), writer, cors,
                        extra: [("Allow", allowed.joined(separator: ", "))])
        }
        switch path {
        case "/":
            writer.respond(status: 200, headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache")] + cors,
                           body: Array(WebChatPage.html.utf8))
        case "/healthcheck":
            json(.object([("status", .string("ok")), ("model", .string(configuration.modelName))]), writer, cors)
        case "/v1/models":
            json(.object([("object", .string("list")), ("data", .array([modelObject]))]), writer, cors)
        // Parsing, tokenizing and asking the cluster take time: off the event loop, so one big
        // request never stalls the other connections.
        case "/v1/topology":
            work.async { self.topology(writer, cors) }
        case "/v1/chat/completions":
            work.async { self.complete(request, kind: .chat, writer, cors) }
        case "/v1/completions":
            work.async { self.complete(request, kind: .text, writer, cors) }
        default:
            let id = String(path.dropFirst("/v1/models/".count)).removingPercentEncoding ?? ""
            guard id == configuration.modelName else { return fail(.modelNotFound(id), writer, cors) }
            json(modelObject, writer, cors)
        }
    }

    private var modelObject: JSONOut {
        .object([("id", .string(configuration.modelName)), ("object", .string("model")), ("created", .int(created)), ("owned_by", .string("omni"))])
    }

    static func authorized(_ header: String?, key: String) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let given = Array(header.dropFirst("Bearer ".count).trimmingCharacters(in: .whitespaces).utf8)
        let expected = Array(key.utf8)
        // Compare in time independent of where the first difference is.
        var difference = given.count ^ expected.count
        for i in 0..<max(given.count, expected.count) {
            let a = i < given.count ? given[i] : 0, b = i < expected.count ? expected[i] : 0
            difference |= Int(a ^ b)
        }
        return difference == 0
    }

    private func json(_ value: JSONOut, _ writer: ResponseWriter, _ cors: [(String, String)]) {
        writer.respond(status: 200, headers: [("Content-Type", "application/json")] + cors, body: Array(value.data))
    }

    private func fail(_ error: APIError, _ writer: ResponseWriter, _ cors: [(String, String)], extra: [(String, String)] = []) {
        writer.respond(status: error.status, headers: [("Content-Type", "application/json")] + extra + cors, body: Array(error.body.data))
    }

    private func topology(_ writer: ResponseWriter, _ cors: [(String, String)]) {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        do {
            let data = try encoder.encode(backend.status())
            writer.respond(status: 200, headers: [("Content-Type", "application/json")] + cors, body: Array(data))
        } catch {
            fail(.internal("Could not encode the cluster status: \(error.localizedDescription)"), writer, cors)
        }
    }

    // MARK: Completions

    private func complete(_ request: HTTPRequest, kind: CompletionKind, _ writer: ResponseWriter, _ cors: [(String, String)]) {
        do {
            let (parameters, completion) = try prepare(request, kind: kind)
            lock.lock()
            nextID += 1
            let serial = nextID
            lock.unlock()
            let prefix = kind == .chat ? "chatcmpl" : "cmpl"
            let identity = CompletionSession.Identity(id: "\(prefix)-\(created)-\(serial)", created: Int(Date().timeIntervalSince1970),
                                                      model: configuration.modelName)
            let session = CompletionSession(parameters: parameters, identity: identity, promptTokenCount: completion.promptTokens.count,
                                            model: backend.model, writer: writer, extraHeaders: cors)
            session.start(completion, on: backend)
        } catch let error as APIError {
            fail(error, writer, cors)
        } catch {
            fail(.internal(error.localizedDescription), writer, cors)
        }
    }

    /// Checks the body and builds the backend request (prompt tokens, limits, sampling).
    func prepare(_ request: HTTPRequest, kind: CompletionKind) throws -> (CompletionParameters, CompletionRequest) {
        // The body is read as JSON whatever Content-Type says (curl -d sends form encoding).
        guard !request.body.isEmpty else { throw APIError.badRequest("The request body is empty; send a JSON object.") }
        guard String(validating: request.body, as: UTF8.self) != nil else { throw APIError.badRequest("The request body is not valid UTF-8.") }
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: Data(request.body))
        } catch {
            throw APIError.badRequest("The request body is not valid JSON: \(Self.describe(error))")
        }
        lock.lock()
        let seed = seeds.next()
        lock.unlock()
        let parameters = try CompletionParameters(json: json, kind: kind, randomSeed: seed)
        guard parameters.model == configuration.modelName else { throw APIError.modelNotFound(parameters.model) }
        let model = backend.model
        let promptTokens: [Int]
        let promptParam = kind == .chat ? "messages" : "prompt"
        switch (kind, parameters.prompt) {
        case (.chat, _):
            do { promptTokens = try model.chatPromptTokens(parameters.messages) } catch {
                throw APIError.badRequest("The messages could not be rendered with the chat template: \(error.localizedDescription)", param: "messages")
            }
        case (.text, .text(let text)):
            promptTokens = model.rawPromptTokens(text)
        case (.text, .tokens(let ids)):
            let vocab = model.checkpoint.config.vocabSize
            if let bad = ids.first(where: { $0 < 0 || $0 >= vocab }) {
                throw APIError.badRequest("Token id \(bad) in 'prompt' is outside the vocabulary (0..<\(vocab)).", param: "prompt")
            }
            promptTokens = ids
        }
        guard !promptTokens.isEmpty else { throw APIError.badRequest("The prompt is empty.", param: promptParam) }
        let limit = model.checkpoint.config.contextLimit
        guard promptTokens.count < limit else {
            throw APIError.badRequest("The prompt is \(promptTokens.count) tokens; the model's context holds \(limit).", param: promptParam)
        }
        let room = limit - promptTokens.count
        if let asked = parameters.maxTokens, asked > room {
            throw APIError.badRequest("max_tokens is \(asked) but only \(room) tokens fit after the \(promptTokens.count)-token prompt (context \(limit)).",
                                      param: "max_tokens")
        }
        let completion = CompletionRequest(promptTokens: promptTokens, maxTokens: parameters.maxTokens ?? room,
                                           sampling: parameters.sampling, stopTokenIds: model.stopTokenIds,
                                           ignoreEOS: parameters.ignoreEOS)
        return (parameters, completion)
    }

    static func describe(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError as NSError?, let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
                return detail
            }
            return context.debugDescription
        }
        return error.localizedDescription
    }
}
