import CHDF5
import Foundation

/// A problem HDF5 reported, in words; the importer adds which file and layer it concerns.
struct HDF5Failure: Error, CustomStringConvertible {
    let description: String

    /// `what` failed, followed by HDF5's own innermost reason when it gave one.
    static func reported(_ what: String) -> HDF5Failure {
        var buffer = [CChar](repeating: 0, count: 256)
        chdf5_innermost_error(&buffer)
        let reason = String(cString: buffer)
        return HDF5Failure(description: reason.isEmpty ? what : "\(what) (HDF5: \(reason))")
    }
}

/// What a dataset holds, read before its values so they can be checked against what is expected.
struct HDF5DatasetInfo {
    let shape: [Int]
    let isFloat: Bool
    /// E.g. "float32" or "int32", for messages.
    let typeName: String
}

/// A read-only HDF5 file: only the lookups Keras weight files need. Objects are named by paths from the
/// root, e.g. "conv2d/conv2d/kernel:0". HDF5's own printing of errors is switched off; every failure is
/// thrown as an `HDF5Failure`.
final class HDF5File {
    private let file: hid_t

    init(path: String) throws {
        chdf5_silence_errors()
        guard H5Fis_hdf5(path) > 0 else { throw HDF5Failure(description: "not an HDF5 file") }
        let file = H5Fopen(path, chdf5_read_only(), chdf5_default_plist())
        guard file >= 0 else { throw HDF5Failure.reported("HDF5 cannot open it") }
        self.file = file
    }

    deinit { H5Fclose(file) }

    /// Whether every component of `path` exists (HDF5 itself fails on a missing intermediate group).
    func exists(_ path: String) -> Bool {
        chdf5_silence_errors()
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += prefix.isEmpty ? String(component) : "/\(component)"
            guard H5Lexists(file, prefix, chdf5_default_plist()) > 0 else { return false }
        }
        return true
    }

    func hasAttribute(_ name: String, of object: String) -> Bool {
        chdf5_silence_errors()
        guard object == "/" || exists(object) else { return false }
        return H5Aexists_by_name(file, object, name, chdf5_default_plist()) > 0
    }

    /// A text attribute as a list (a scalar gives one string); fixed- and variable-length strings are both
    /// written by Keras versions. An empty attribute of any type (how Keras marks "no weights") gives [].
    func strings(attribute name: String, of object: String) throws -> [String] {
        chdf5_silence_errors()
        let attribute = H5Aopen_by_name(file, object, name, chdf5_default_plist(), chdf5_default_plist())
        guard attribute >= 0 else { throw HDF5Failure.reported("cannot open attribute \"\(name)\" of \(object)") }
        defer { H5Aclose(attribute) }
        let space = H5Aget_space(attribute)
        guard space >= 0 else { throw HDF5Failure.reported("cannot read the size of attribute \"\(name)\"") }
        defer { H5Sclose(space) }
        let points = H5Sget_simple_extent_npoints(space)
        guard points >= 0, points <= 1_000_000 else { throw HDF5Failure(description: "attribute \"\(name)\" has \(points) elements") }
        let count = Int(points)
        if count == 0 { return [] }
        let type = H5Aget_type(attribute)
        guard type >= 0 else { throw HDF5Failure.reported("cannot read the type of attribute \"\(name)\"") }
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_STRING else { throw HDF5Failure(description: "attribute \"\(name)\" is not text") }

        if H5Tis_variable_str(type) > 0 {
            let memoryType = H5Tcopy(chdf5_c_string())
            defer { H5Tclose(memoryType) }
            H5Tset_size(memoryType, chdf5_variable_size())
            H5Tset_cset(memoryType, H5Tget_cset(type))
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            guard H5Aread(attribute, memoryType, &pointers) >= 0 else {
                throw HDF5Failure.reported("cannot read attribute \"\(name)\"")
            }
            defer { for pointer in pointers where pointer != nil { H5free_memory(pointer) } }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let size = H5Tget_size(type)
        guard size > 0, size <= 1 << 20, count * size <= 64 << 20 else {
            throw HDF5Failure(description: "attribute \"\(name)\" has strings of \(size) bytes")
        }
        let memoryType = H5Tcopy(type)
        defer { H5Tclose(memoryType) }
        var bytes = [UInt8](repeating: 0, count: count * size)
        guard H5Aread(attribute, memoryType, &bytes) >= 0 else { throw HDF5Failure.reported("cannot read attribute \"\(name)\"") }
        return (0..<count).map { index in
            let field = bytes[(index * size)..<((index + 1) * size)]
            return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
    }

    /// Shape and element type of a dataset, without reading its values.
    func info(dataset path: String) throws -> HDF5DatasetInfo {
        chdf5_silence_errors()
        guard exists(path) else { throw HDF5Failure(description: "dataset \"\(path)\" is missing") }
        let dataset = H5Dopen2(file, path, chdf5_default_plist())
        guard dataset >= 0 else { throw HDF5Failure.reported("\"\(path)\" is not a readable dataset") }
        defer { H5Dclose(dataset) }
        let space = H5Dget_space(dataset)
        guard space >= 0 else { throw HDF5Failure.reported("cannot read the shape of \"\(path)\"") }
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0, rank <= 32 else { throw HDF5Failure.reported("cannot read the shape of \"\(path)\"") }
        var dims = [hsize_t](repeating: 0, count: max(Int(rank), 1))
        guard H5Sget_simple_extent_dims(space, &dims, nil) >= 0 else {
            throw HDF5Failure.reported("cannot read the shape of \"\(path)\"")
        }
        let type = H5Dget_type(dataset)
        guard type >= 0 else { throw HDF5Failure.reported("cannot read the type of \"\(path)\"") }
        defer { H5Tclose(type) }
        let typeClass = H5Tget_class(type)
        let bits = H5Tget_size(type) * 8
        let typeName = switch typeClass {
        case H5T_FLOAT: "float\(bits)"
        case H5T_INTEGER: "int\(bits)"
        case H5T_STRING: "string"
        default: "HDF5 type class \(typeClass.rawValue)"
        }
        // Shown in messages as HDF5 stores them; only sizes beyond Int (never a real weight) are clamped.
        let shape = dims.prefix(Int(rank)).map { $0 > hsize_t(Int.max) ? Int.max : Int($0) }
        return HDF5DatasetInfo(shape: shape, isFloat: typeClass == H5T_FLOAT, typeName: typeName)
    }

    /// Reads a whole floating-point dataset, converted to Float32 by HDF5. The caller has checked with
    /// `info(dataset:)` that it holds exactly `count` values.
    func read(dataset path: String, into destination: UnsafeMutablePointer<Float>) throws {
        chdf5_silence_errors()
        let dataset = H5Dopen2(file, path, chdf5_default_plist())
        guard dataset >= 0 else { throw HDF5Failure.reported("cannot open dataset \"\(path)\"") }
        defer { H5Dclose(dataset) }
        guard H5Dread(dataset, chdf5_native_float(), chdf5_all_space(), chdf5_all_space(), chdf5_default_plist(),
                      destination) >= 0 else {
            throw HDF5Failure.reported("cannot read the values of \"\(path)\"")
        }
    }
}
