import Imaging
import Live
import Testing

/// Every test that touches SDL lives in this suite: SDL is not thread-safe, and Swift Testing runs suites in
/// parallel, so they must run one at a time.
@Suite(.serialized) enum SDLSuite {}
