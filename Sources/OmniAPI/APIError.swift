import Foundation
import OmniEngine

/// An error answered to an HTTP client in OpenAI's shape: `{"error": {message, type, param, code}}`.
public enum APIError: LocalizedError, Equatable, Sendable {
    /// 400: malformed JSON, or a parameter with a wrong type or value (named in `param`).
    case badRequest(String, param: String? = nil)
    /// 400 for malformed HTTP itself (the connection is closed afterwards).
    case badHTTP(String)
    case unauthorized
    case modelNotFound(String)
    case routeNotFound(method: String, path: String)
    case methodNotAllowed(method: String, path: String, allowed: [String])
    case requestTimeout
    case payloadTooLarge(limit: Int)
    case headersTooLarge(limit: Int)
    case lengthRequired
    case notImplemented(String)
    case httpVersionNotSupported(String)
    case queueFull(String)
    case doesNotFit(String)
    case unavailable(String)
    case `internal`(String)

    public var status: Int {
        switch self {
        case .badRequest, .badHTTP: return 400
        case .unauthorized: return 401
        case .modelNotFound, .routeNotFound: return 404
        case .methodNotAllowed: return 405
        case .requestTimeout: return 408
        case .lengthRequired: return 411
        case .payloadTooLarge: return 413
        case .headersTooLarge: return 431
        case .queueFull: return 429
        case .notImplemented: return 501
        case .httpVersionNotSupported: return 505
        case .doesNotFit, .unavailable: return 503
        case .internal: return 500
        }
    }

    public var type: String {
        switch status {
        case 401: return "authentication_error"
        case 404: return "not_found_error"
        case 429: return "rate_limit_error"
        case 500..<600: return status == 500 ? "internal_error" : "service_unavailable"
        default: return "invalid_request_error"
        }
    }

    public var param: String? {
        switch self {
        case .badRequest(_, let p): return p
        case .modelNotFound: return "model"
        default: return nil
        }
    }

    public var code: String? {
        switch self {
        case .unauthorized: return "invalid_api_key"
        case .modelNotFound: return "model_not_found"
        case .payloadTooLarge: return "request_too_large"
        case .queueFull: return "queue_full"
        case .doesNotFit: return "model_does_not_fit"
        default: return nil
        }
    }

    public var errorDescription: String? {
        switch self {
        case .badRequest(let m, _), .badHTTP(let m): return m
        case .unauthorized: return "Incorrect or missing API key: send 'Authorization: Bearer <key>' with the key given to --api-key."
        case .modelNotFound(let m): return "The model '\(m)' does not exist on this server; GET /v1/models lists the served models."
        case .routeNotFound(let method, let path): return "Unknown route \(method) \(path)."
        case .methodNotAllowed(let method, let path, let allowed): return "\(method) is not allowed on \(path); use \(allowed.joined(separator: " or "))."
        case .requestTimeout: return "The request was not received in time."
        case .payloadTooLarge(let limit): return "The request body is larger than the limit of \(limit) bytes."
        case .headersTooLarge(let limit): return "The request line and headers are larger than the limit of \(limit) bytes."
        case .lengthRequired: return "A request body needs Content-Length or chunked Transfer-Encoding."
        case .notImplemented(let m), .httpVersionNotSupported(let m): return m
        case .queueFull(let m): return "Too many requests are waiting: \(m)"
        case .doesNotFit(let m): return "The model does not fit in the cluster: \(m)"
        case .unavailable(let m): return m
        case .internal(let m): return m
        }
    }

    /// The backend's failure as the client sees it.
    public init(_ failure: CompletionFailure) {
        switch failure {
        case .queueFull(let m): self = .queueFull(m)
        case .doesNotFit(let m): self = .doesNotFit(m)
        case .invalid(let m): self = .badRequest(m)
        case .unavailable(let m): self = .unavailable(m)
        case .cancelled: self = .unavailable("The request was cancelled.")
        }
    }

    /// The JSON body OpenAI's clients parse.
    var body: JSONOut {
        .object([("error", .object([
            ("message", .string(errorDescription ?? "error")),
            ("type", .string(type)),
            ("param", param.map(JSONOut.string) ?? .null),
            ("code", code.map(JSONOut.string) ?? .null),
        ]))])
    }
}
