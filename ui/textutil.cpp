// SPDX-License-Identifier: MIT
#include "textutil.h"

#include <heapscope/analysis.h>
#include <heapscope/format.h>
#include <heapscope/string_table.h>

#include <QCoreApplication>

#include <cstring>

using namespace Qt::StringLiterals;

namespace TextUtil {

QString toQString(std::string_view wtf8) {
    // A lone surrogate is encoded as ED A0..BF xx; only then is the slower core conversion needed.
    const char* p = wtf8.data();
    const char* end = p + wtf8.size();
    while ((p = static_cast<const char*>(std::memchr(p, '\xED', std::size_t(end - p))))) {
        if (p + 1 < end && static_cast<unsigned char>(p[1]) >= 0xA0) {
            const std::string utf8 = heapscope::text::toUtf8(wtf8);
            return QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
        }
        ++p;
    }
    return QString::fromUtf8(wtf8.data(), qsizetype(wtf8.size()));
}

QString exactBytes(std::uint64_t bytes) {
    return QCoreApplication::translate("TextUtil", "%1 bytes (%2)")
        .arg(QString::fromStdString(heapscope::format::grouped(bytes)), bytesAdaptive(bytes));
}

QString sizeKB(std::uint64_t bytes) {
    return QString::fromStdString(heapscope::format::sizeKB(bytes));
}

QString bytesAdaptive(std::uint64_t bytes) {
    return QString::fromStdString(heapscope::format::bytesAdaptive(bytes));
}

QString percent(std::uint64_t value, std::uint64_t total) {
    return QString::fromStdString(heapscope::format::percent(value, total));
}

QString grouped(std::uint64_t n) {
    return QString::fromStdString(heapscope::format::grouped(n));
}

QString distance(std::int32_t d) {
    return QString::fromStdString(heapscope::format::distance(d));
}

QString idText(const heapscope::Analysis& analysis, heapscope::NodeOrdinal node) {
    return u"@"_s + QString::number(analysis.snapshot->nodeId[node]);
}

bool parseObjectId(const QString& text, std::uint32_t& id) {
    QString t = text.trimmed();
    if (t.startsWith(u'@'))
        t = t.mid(1).trimmed();
    bool ok = false;
    const qulonglong v = t.toULongLong(&ok);
    if (!ok || v > 0xffffffffULL)
        return false;
    id = std::uint32_t(v);
    return true;
}

} // namespace TextUtil
