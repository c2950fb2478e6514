import Testing
@testable import OmniTokenizer

@Test func OmniTokenizerLinks() {}
