import Foundation
import Testing

/// API keys, CORS, unknown routes and models, wrong methods.
@Suite struct AccessTests {
    @Test func apiKeyIsRequiredOnEveryRouteButThePage() throws {
        let server = try APIProcess(["--api-key", "sekret"])
        defer { server.stop() }
        for path in ["/v1/models", "/healthcheck", "/v1/topology", "/v1/nope"] {
            let missing = try fetch(server.port, "GET", path)
            #expect(missing?.status == 401, "\(path)")
            #expect(missing?.error?["type"] as? String == "authentication_error")
            #expect(try fetch(server.port, "GET", path, headers: ["Authorization: Bearer wrong"])?.status == 401)
        }
        #expect(try fetch(server.port, "POST", "/v1/chat/completions", body: "{}")?.status == 401)
        #expect(try fetch(server.port, "GET", "/v1/models", headers: ["Authorization: Bearer sekret"])?.status == 200)
        #expect(try fetch(server.port, "GET", "/", headers: [])?.status == 200)
    }

    @Test func corsHeadersOnlyForListedOrigins() throws {
        let server = try APIProcess(["--cors-origin", "http://a.test", "--cors-origin", "http://b.test"])
        defer { server.stop() }
        for origin in ["http://a.test", "http://b.test"] {
            let r = try fetch(server.port, "GET", "/v1/models", headers: ["Origin: \(origin)"])
            #expect(r?.header("Access-Control-Allow-Origin") == origin)
            let preflight = try fetch(server.port, "OPTIONS", "/v1/chat/completions",
                                      headers: ["Origin: \(origin)", "Access-Control-Request-Method: POST"])
            #expect(preflight?.status == 204)
            #expect(preflight?.header("Access-Control-Allow-Methods")?.contains("POST") == true)
            #expect(preflight?.header("Access-Control-Allow-Headers")?.contains("Authorization") == true)
        }
        let other = try fetch(server.port, "GET", "/v1/models", headers: ["Origin: http://evil.test"])
        #expect(other?.status == 200)
        #expect(other?.header("Access-Control-Allow-Origin") == nil)
        #expect(try fetch(server.port, "OPTIONS", "/v1/models", headers: ["Origin: http://evil.test"])?.header("Access-Control-Allow-Origin") == nil)
        #expect(try fetch(server.port, "GET", "/v1/models")?.header("Access-Control-Allow-Origin") == nil)
    }

    @Test func unknownRoutesModelsAndMethods() throws {
        let server = try APIProcess(["--model-name", "tiny"])
        defer { server.stop() }
        let notFound = try fetch(server.port, "GET", "/v1/nothing")
        #expect(notFound?.status == 404)
        #expect(notFound?.error?["type"] as? String == "not_found_error")
        let wrongMethod = try fetch(server.port, "GET", "/v1/chat/completions")
        #expect(wrongMethod?.status == 405)
        #expect(wrongMethod?.header("Allow") == "POST")
        #expect(try fetch(server.port, "DELETE", "/v1/models")?.status == 405)
        #expect(try fetch(server.port, "POST", "/shutdown", body: "{}")?.status == 404)
        // The served name is --model-name; the directory name is not a fallback.
        let models = try fetch(server.port, "GET", "/v1/models")?.json?["data"] as? [[String: Any]]
        #expect(models?.map { $0["id"] as? String } == ["tiny"])
        let wrongModel = try fetch(server.port, "POST", "/v1/completions", body: #"{"model":"llama","prompt":"a","max_tokens":1}"#)
        #expect(wrongModel?.status == 404)
        #expect(wrongModel?.error?["code"] as? String == "model_not_found")
        #expect(try fetch(server.port, "POST", "/v1/completions", body: #"{"model":"tiny","prompt":"a","max_tokens":1}"#)?.status == 200)
        #expect(try fetch(server.port, "GET", "/v1/models/tiny")?.status == 200)
        #expect(try fetch(server.port, "GET", "/v1/models/llama")?.status == 404)
    }

    @Test func topologyAndPage() throws {
        let server = try APIProcess()
        defer { server.stop() }
        let topology = try fetch(server.port, "GET", "/v1/topology")?.json
        #expect(topology?["model"] as? String == "llama")
        #expect(topology?["num_layers"] as? Int == 4)
        let nodes = topology?["nodes"] as? [[String: Any]]
        #expect(nodes?.count == 1)
        #expect(nodes?.first?["layer_end"] as? Int == 4)
        #expect(topology?["links"] is [Any])
        let page = try fetch(server.port, "GET", "/")
        #expect(page?.status == 200)
        #expect(page?.header("Content-Type")?.hasPrefix("text/html") == true)
        let html = page?.text ?? ""
        #expect(html.contains("/v1/topology") && html.contains("/v1/chat/completions") && html.contains("/v1/models"))
        // Self-contained: no scripts, styles or fonts from elsewhere.
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"))
    }
}
