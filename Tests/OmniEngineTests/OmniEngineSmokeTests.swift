import Testing
@testable import OmniEngine

@Test func OmniEngineLinks() {}
