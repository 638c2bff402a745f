import ArgumentParser

/// `--tta`: classify each face as it is (`none`), or average it with its mirror image (`flip`: about a
/// point more accuracy on FER2013 for twice the work).
enum TestTimeAugmentation: String, ExpressibleByArgument {
    case none, flip
}
