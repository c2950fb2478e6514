import Foundation

/// C `strftime` formatting in the C locale (what Python's `datetime.strftime` gives by default).
enum Strftime {
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                         "October", "November", "December"]

    static func format(_ date: Date, _ format: String, timeZone: TimeZone) throws -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond, .weekday], from: date)
        let year = c.year ?? 1970, month = c.month ?? 1, day = c.day ?? 1
        let hour = c.hour ?? 0, minute = c.minute ?? 0, second = c.second ?? 0
        let weekday = (c.weekday ?? 1) - 1
        let dayOfYear = calendar.ordinality(of: .day, in: .year, for: date) ?? 1
        func pad(_ n: Int, _ width: Int = 2) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var out = ""
        var iterator = format.makeIterator()
        while let ch = iterator.next() {
            guard ch == "%" else { out.append(ch); continue }
            guard let code = iterator.next() else { out += "%"; break }
            switch code {
            case "d": out += pad(day)
            case "e": out += (day < 10 ? " " : "") + String(day)
            case "m": out += pad(month)
            case "Y": out += String(year)
            case "y": out += pad(year % 100)
            case "H": out += pad(hour)
            case "I": out += pad(hour % 12 == 0 ? 12 : hour % 12)
            case "M": out += pad(minute)
            case "S": out += pad(second)
            case "f": out += pad((c.nanosecond ?? 0) / 1000, 6)
            case "p": out += hour < 12 ? "AM" : "PM"
            case "A": out += weekdays[weekday]
            case "a": out += String(weekdays[weekday].prefix(3))
            case "w": out += String(weekday)
            case "B": out += months[month - 1]
            case "b", "h": out += String(months[month - 1].prefix(3))
            case "j": out += pad(dayOfYear, 3)
            case "D": out += pad(month) + "/" + pad(day) + "/" + pad(year % 100)
            case "F": out += String(year) + "-" + pad(month) + "-" + pad(day)
            case "T": out += pad(hour) + ":" + pad(minute) + ":" + pad(second)
            case "R": out += pad(hour) + ":" + pad(minute)
            case "n": out += "\n"
            case "t": out += "\t"
            case "%": out += "%"
            case "Z", "z": break
            default: out += "%" + String(code)
            }
        }
        return out
    }
}
