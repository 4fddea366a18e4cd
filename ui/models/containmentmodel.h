// SPDX-License-Identifier: MIT
// The Containment view: the graph from the root, one row per edge.
#pragma once

#include "objecttreemodel.h"

class ContainmentModel : public ObjectTreeModel {
    Q_OBJECT
public:
    enum Column { ObjectColumn, DistanceColumn, ShallowColumn, RetainedColumn, ColumnCount };

    explicit ContainmentModel(QObject* parent = nullptr);

    /// Background orderings read this class's columns: they stop before its members go.

    ~ContainmentModel() override { stopBackgroundOrdering(); }
    void setAnalysis(heapscope::AnalysisPtr analysis);

protected:
    void populate(const Row* owner, std::vector<Row>& children) const override;
};
