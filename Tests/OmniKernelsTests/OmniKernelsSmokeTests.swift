import Testing
@testable import OmniKernels

@Test func OmniKernelsLinks() {}
