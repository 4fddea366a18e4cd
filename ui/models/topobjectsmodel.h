// SPDX-License-Identifier: MIT
// "Biggest objects": the objects with the largest retained sizes, as a flat sortable list.
#pragma once

#include "objecttreemodel.h"

class BackgroundJob;

class TopObjectsModel : public ObjectTreeModel {
    Q_OBJECT
public:
    enum Column { ObjectColumn, ClassColumn, ShallowColumn, RetainedColumn, ColumnCount };

    explicit TopObjectsModel(QObject* parent = nullptr);

    /// Background orderings read this class's columns: they stop before its members go.

    ~TopObjectsModel() override { stopBackgroundOrdering(); }
    /// Picks the `count` largest non-synthetic objects by retained size (one pass, a bounded heap).
    /// For a snapshot of backgroundNodes() nodes or more the pass runs on the job pool: the list
    /// shows one busy row until the objects are there (then ready()).
    void setAnalysis(heapscope::AnalysisPtr analysis, int count = 100);
    /// Snapshots with at least this many nodes are scanned in the background.
    void setBackgroundNodes(std::uint32_t nodes) { m_backgroundNodes = std::max<std::uint32_t>(1, nodes); }
    std::uint32_t backgroundNodes() const { return m_backgroundNodes; }
    /// True while the objects are being picked in the background.
    bool isComputing() const;
    BackgroundJob* job() const { return m_job; }
    /// Null `stop`: never stops; a raised one gives an empty list.
    static std::vector<heapscope::NodeOrdinal> biggestObjects(const heapscope::Analysis& analysis,
                                                              std::size_t count,
                                                              const heapscope::StopFlag* stop = nullptr);

Q_SIGNALS:
    /// The objects picked in the background are in the list.
    void ready();

protected:
    void populate(const Row* owner, std::vector<Row>& children) const override;
    bool mayHaveChildren(const Row&) const override { return false; }

private:
    std::vector<heapscope::NodeOrdinal> m_nodes;
    BackgroundJob* m_job;
    /// About 5 ms of scanning on the GUI thread below this.
    std::uint32_t m_backgroundNodes = 1'000'000;
};
