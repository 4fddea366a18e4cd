// SPDX-License-Identifier: MIT
// "Biggest objects": the objects with the largest retained sizes, as a flat sortable list.
#pragma once

#include "objecttreemodel.h"

class TopObjectsModel : public ObjectTreeModel {
    Q_OBJECT
public:
    enum Column { ObjectColumn, ClassColumn, ShallowColumn, RetainedColumn, ColumnCount };

    explicit TopObjectsModel(QObject* parent = nullptr);

    /// Background orderings read this class's columns: they stop before its members go.

    ~TopObjectsModel() override { stopBackgroundOrdering(); }
    /// Picks the `count` largest non-synthetic objects by retained size (one pass, a bounded heap).
    void setAnalysis(heapscope::AnalysisPtr analysis, int count = 100);
    static std::vector<std::uint32_t> biggestObjects(const heapscope::Analysis& analysis, std::size_t count);

protected:
    void populate(const Row* owner, std::vector<Row>& children) const override;
    bool mayHaveChildren(const Row&) const override { return false; }

private:
    std::vector<std::uint32_t> m_nodes;
};
