// SPDX-License-Identifier: MIT
#include "retainersmodel.h"

#include "textutil.h"

#include <algorithm>

RetainersModel::RetainersModel(QObject* parent)
    : ObjectTreeModel(tr("Object"),
                      {ColumnType::Object, ColumnType::Distance, ColumnType::Shallow, ColumnType::Retained},
                      parent) {
    setSortColumnSilently(DistanceColumn, Qt::AscendingOrder);
}

void RetainersModel::reset() {
    beginResetModel();
    m_analysis = m_object.analysis;
    rebuild();
    endResetModel();
}

void RetainersModel::setObject(const ObjectRef& object) {
    stopBackgroundOrdering(); // workers read the distances for their sort keys
    if (object.analysis != m_object.analysis) {
        m_ignored.clear();
        m_distances.reset();
    }
    m_object = object.isValid() ? object : ObjectRef{};
    reset();
}

void RetainersModel::setObject(const ObjectRef& object, const IgnoredRetainers& ignored) {
    stopBackgroundOrdering();
    m_object = object.isValid() ? object : ObjectRef{};
    m_ignored = ignored.nodes;
    m_distances = m_ignored.empty() ? nullptr : ignored.distances;
    reset();
}

void RetainersModel::setShowWeak(bool show) {
    if (show == m_showWeak)
        return;
    m_showWeak = show;
    reset();
}

void RetainersModel::setIgnored(std::set<heapscope::NodeOrdinal> nodes,
                                std::shared_ptr<const heapscope::RetainerDistances> distances) {
    stopBackgroundOrdering();
    m_ignored = std::move(nodes);
    m_distances = m_ignored.empty() ? nullptr : std::move(distances);
    reset();
}

bool RetainersModel::acceptRetainer(heapscope::RetainerSlot slot, heapscope::EdgeOrdinal edge) const {
    const heapscope::Snapshot& s = *m_analysis->snapshot;
    if (s.retainerSource()[slot] == s.root())
        return false;
    return m_showWeak || s.edgeKind(edge) != heapscope::EdgeKind::Weak;
}

void RetainersModel::populate(const Row* owner, std::vector<Row>& children) const {
    if (!m_analysis)
        return;
    if (!owner) {
        children.push_back({RowKind::Object, 0, m_object.node.value});
        return;
    }
    const auto node = nodeOf(*owner);
    if (!node)
        return;
    const heapscope::Snapshot& s = *m_analysis->snapshot;
    // The edge of each row found once here, not per cell.
    for (heapscope::RetainerSlot slot : s.retainersOf(*node)) {
        const heapscope::EdgeOrdinal edge = s.retainerEdgeOf(*node, slot);
        if (acceptRetainer(slot, edge))
            children.push_back({RowKind::Retainer, 0, slot.value, edge});
    }
}

std::size_t RetainersModel::childCountHint(const Row& row) const {
    const auto node = nodeOf(row);
    if (!node || !m_analysis)
        return 0;
    return m_analysis->snapshot->retainersOf(*node).size();
}

bool RetainersModel::mayHaveChildren(const Row& row) const {
    const auto node = nodeOf(row);
    if (!node || !m_analysis)
        return false;
    const heapscope::Snapshot& s = *m_analysis->snapshot;
    // Stops at the first visible retainer, so only nodes retained by nothing but weak edges cost a scan.
    for (heapscope::RetainerSlot slot : s.retainersOf(*node))
        if (acceptRetainer(slot, s.retainerEdgeOf(*node, slot)))
            return true;
    return false;
}

std::int32_t RetainersModel::rowDistance(const Row& row, heapscope::NodeOrdinal node) const {
    const std::int32_t main = m_analysis->distance[node];
    std::int32_t d = main;
    if (m_distances) {
        if (row.kind == RowKind::Retainer && m_distances->isIgnored(row.edge))
            return heapscope::kBaseUnreachableDistance;
        d = m_distances->distanceOf(node);
    }
    if (d == heapscope::kNoDistance)
        d = std::max(0, main) + heapscope::kBaseUnreachableDistance;
    return d;
}

QString RetainersModel::distanceText(const Row& row, heapscope::NodeOrdinal node) const {
    if (isIgnored(node))
        return tr("ignored");
    return TextUtil::distance(rowDistance(row, node));
}

bool RetainersModel::isRowGreyed(const Row& row, heapscope::NodeOrdinal node) const {
    return rowDistance(row, node) >= heapscope::kBaseUnreachableDistance || isIgnored(node);
}

ObjectTreeModel::SortKey RetainersModel::sortKey(const Row& row, int column) const {
    SortKey key = ObjectTreeModel::sortKey(row, column);
    if (row.kind == RowKind::Retainer) {
        // Ties: retaining object's name, then DevTools' retainer order (the slot order).
        if (column != ObjectColumn) {
            key.text = m_analysis->snapshot->name(*nodeOf(row));
            key.textNumber = -1;
        }
        key.tie = row.value;
    }
    return key;
}

std::int32_t RetainersModel::distanceAt(const QModelIndex& index) const {
    const Row row = rowAt(index);
    const auto node = nodeOf(row);
    return node ? rowDistance(row, *node) : heapscope::kBaseUnreachableDistance;
}
