import Foundation

/// How the OpenAI-compatible HTTP server listens and what it accepts.
public struct APIConfiguration: Sendable, Equatable {
    /// Address to bind; loopback unless the operator says otherwise.
    public var host: String
    /// Port to bind; 0 picks a free one (read `APIServer.boundPort`).
    public var port: Int
    /// When set, every request must carry `Authorization: Bearer <key>`.
    public var apiKey: String?
    /// Origins that get CORS headers; any other origin gets none.
    public var corsOrigins: [String]
    /// Largest request body accepted (413 above it).
    public var maxBodyBytes: Int
    /// Largest request line plus headers accepted (431 above it).
    public var maxHeaderBytes: Int
    /// Seconds a client has to send a complete request line and headers once it starts (408 after).
    public var headerTimeoutSeconds: Double
    /// Seconds a client has to send the body after the headers.
    public var bodyTimeoutSeconds: Double
    /// Seconds an idle keep-alive connection stays open.
    public var idleTimeoutSeconds: Double
    /// Most open connections; more wait in the kernel's backlog.
    public var maxConnections: Int
    /// The model id clients must name (`GET /v1/models` lists it).
    public var modelName: String

    public init(host: String = "127.0.0.1", port: Int = 52415, apiKey: String? = nil, corsOrigins: [String] = [],
                maxBodyBytes: Int = 4 << 20, maxHeaderBytes: Int = 64 << 10, headerTimeoutSeconds: Double = 10,
                bodyTimeoutSeconds: Double = 30, idleTimeoutSeconds: Double = 60, maxConnections: Int = 1000,
                modelName: String) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.corsOrigins = corsOrigins
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.bodyTimeoutSeconds = bodyTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
        self.modelName = modelName
    }
}
