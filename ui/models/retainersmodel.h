// SPDX-License-Identifier: MIT
// The Retainers pane: the paths that keep the selected object alive, as a lazy tree of paths.
#pragma once

#include "ignoredretainers.h"
#include "objecttreemodel.h"

#include <memory>
#include <set>

/// The root row is the selected object; the children of a row are the incoming edges of its
/// object (one row per retaining edge: "edge in object"). Weak edges and edges from the snapshot
/// root are hidden (weak ones can be shown), an object already on the path is greyed and not
/// expandable, and "ignored" retainers change the distances the pane shows (DevTools' rules).
class RetainersModel : public ObjectTreeModel {
    Q_OBJECT
public:
    enum Column { ObjectColumn, DistanceColumn, ShallowColumn, RetainedColumn, ColumnCount };

    explicit RetainersModel(QObject* parent = nullptr);

    /// Background orderings read this class's columns: they stop before its members go.

    ~RetainersModel() override { stopBackgroundOrdering(); }

    void setObject(const ObjectRef& object);
    /// The object and the ignored retainers of its snapshot, in one reset.
    void setObject(const ObjectRef& object, const IgnoredRetainers& ignored);
    ObjectRef object() const { return m_object; }
    void setShowWeak(bool show);
    bool showWeak() const { return m_showWeak; }

    /// Ignored retainer nodes and the distances computed without them (computeRetainerDistances).
    void setIgnored(std::set<heapscope::NodeOrdinal> nodes,
                    std::shared_ptr<const heapscope::RetainerDistances> distances);
    const std::set<heapscope::NodeOrdinal>& ignored() const { return m_ignored; }
    bool isIgnored(heapscope::NodeOrdinal node) const { return m_ignored.count(node) != 0; }

    /// Distance of a row as the pane uses it (sorting, auto-expansion).
    std::int32_t distanceAt(const QModelIndex& index) const;

protected:
    void populate(const Row* owner, std::vector<Row>& children) const override;
    bool mayHaveChildren(const Row& row) const override;
    std::size_t childCountHint(const Row& row) const override;
    std::int32_t rowDistance(const Row& row, heapscope::NodeOrdinal node) const override;
    QString distanceText(const Row& row, heapscope::NodeOrdinal node) const override;
    bool isRowGreyed(const Row& row, heapscope::NodeOrdinal node) const override;
    SortKey sortKey(const Row& row, int column) const override;

private:
    bool acceptRetainer(heapscope::RetainerSlot slot, heapscope::EdgeOrdinal edge) const;
    void reset();

    ObjectRef m_object;
    bool m_showWeak = false;
    std::set<heapscope::NodeOrdinal> m_ignored;
    std::shared_ptr<const heapscope::RetainerDistances> m_distances;
};
