// SPDX-License-Identifier: MIT
// The dominator tree from the root: each object's children are the objects it alone keeps alive.
#pragma once

#include "objecttreemodel.h"

class DominatorsModel : public ObjectTreeModel {
    Q_OBJECT
public:
    enum Column { ObjectColumn, ClassColumn, DistanceColumn, ShallowColumn, RetainedColumn, ColumnCount };

    explicit DominatorsModel(QObject* parent = nullptr);

    /// Background orderings read this class's columns: they stop before its members go.

    ~DominatorsModel() override { stopBackgroundOrdering(); }
    void setAnalysis(heapscope::AnalysisPtr analysis);

    /// Children come a batch at a time through the "More…" row: the view does not pull in further
    /// batches by itself when a row opens (the root has thousands of small children).
    bool canFetchMore(const QModelIndex& parent) const override;

    /// Loads the dominator chain of `node` from the root and returns its row (the caller expands
    /// the ancestors in its view).
    QModelIndex revealNode(heapscope::NodeOrdinal node);

protected:
    void populate(const Row* owner, std::vector<Row>& children) const override;
    /// The root (unnamed in the file) is "(root)", as DevTools names it.
    QVariant rowData(const Row& row, int column, int role, bool cycle) const override;
    bool mayHaveChildren(const Row& row) const override;
    /// The objects a row dominates (not its edges): a level of many is made and ordered on the pool.
    std::size_t childCountHint(const Row& row) const override;
    bool detectsCycles() const override { return false; } // a tree
};
