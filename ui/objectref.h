// SPDX-License-Identifier: MIT
// A heap object in a particular analysed snapshot: what selection, context menus and cross-view
// navigation pass around.
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/analysis.h>
#endif

#include <QMetaType>

#include <cstdint>

struct ObjectRef {
    heapscope::AnalysisPtr analysis;
    heapscope::NodeOrdinal node = heapscope::kNoNode;

    bool isValid() const { return analysis && node.value < analysis->snapshot->nodeCount; }
    std::uint32_t id() const { return analysis->snapshot->nodeId[node]; }
    bool operator==(const ObjectRef& o) const { return analysis == o.analysis && node == o.node; }
};

Q_DECLARE_METATYPE(ObjectRef)
