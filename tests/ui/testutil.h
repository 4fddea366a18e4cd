// SPDX-License-Identifier: MIT
// Shared helpers of the UI tests: fixtures from tests/data, loaded with the core directly.
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in.
#ifndef Q_MOC_RUN
#include <heapscope/analysis.h>
#include <heapscope/loader.h>
#endif

#include <QString>
#include <QTest>

#include <map>
#include <string>

namespace TestUtil {

inline QString dataPath(const char* name) {
    return QStringLiteral(HEAPSCOPE_TEST_DATA_DIR "/") + QString::fromUtf8(name);
}

/// Loads and analyses a fixture once per test binary.
inline heapscope::AnalysisPtr analysisOf(const char* name) {
    static std::map<std::string, heapscope::AnalysisPtr> cache;
    auto it = cache.find(name);
    if (it != cache.end())
        return it->second;
    auto snapshot = heapscope::loadSnapshot(dataPath(name).toStdString());
    if (!snapshot) {
        qWarning("%s", snapshot.error().message().c_str());
        return nullptr;
    }
    auto analysis = heapscope::analyze(*snapshot);
    if (!analysis) {
        qWarning("%s", analysis.error().message().c_str());
        return nullptr;
    }
    cache.emplace(name, *analysis);
    return *analysis;
}

} // namespace TestUtil

#ifndef Q_MOC_RUN
namespace heapscope {
/// QCOMPARE prints a typed index (NodeOrdinal, EdgeOrdinal, ...) as its number: QTest finds a
/// type's toString() by argument-dependent lookup.
template <typename Tag, typename Rep> char* toString(const StrongIndex<Tag, Rep>& index) {
    return QTest::toString(index.value);
}
} // namespace heapscope
#endif
