// SPDX-License-Identifier: MIT
// The Summary perspective: objects grouped by constructor.
#pragma once

#include "objectref.h"

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/analysis.h>
#endif

#include <QWidget>

#include <functional>

class BackgroundJob;
class JobContext;
class Navigator;
class QComboBox;
class QKeyEvent;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeView;
class SnapshotDocument;
class SnapshotSession;
class SummaryModel;
class TimelineWidget;

class SummaryPage : public QWidget {
    Q_OBJECT
public:
    SummaryPage(SnapshotSession* session, SnapshotDocument* document, Navigator* navigator,
                QWidget* parent = nullptr);

    SummaryModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    QComboBox* filterCombo() const { return m_filterCombo; }

    /// Selects and shows an object (switching to "All objects" if the current filter hides it).
    bool revealNode(heapscope::NodeOrdinal node);
    /// Ctrl+F: focus the "@id" box.
    void focusFind();
    /// Finds an object by id ("@123") and reveals it; false when there is none in the Summary. An
    /// object the filter hides is not revealed: a notice says so and offers to show all objects.
    bool findById(const QString& text);
    /// The notice shown when Find @id hits an object the current filter hides.
    QWidget* findNotice() const { return m_findNotice; }
    /// True while a filter's Summary is being computed.
    bool isBusy() const { return m_busy; }
    /// Stops computing a filter's Summary; the rows shown stay and the filter menu goes back to
    /// their entry. The Cancel button beside the busy indicator and Escape do this.
    void cancelFilter();
    BackgroundJob* filterJob() const { return m_filterJob; }
    /// The Cancel button shown while a filter's Summary is being computed.
    QPushButton* cancelFilterButton() const { return m_cancelFilter; }
    /// Runs on the job's thread before each filter's work (tests: to keep a filter running).
    void setFilterWorkHook(std::function<void(JobContext&)> hook) { m_filterWorkHook = std::move(hook); }
    /// The allocation timeline above the Summary of a .heaptimeline (null for other snapshots).
    TimelineWidget* timeline() const { return m_timeline; }

Q_SIGNALS:
    void objectSelected(const ObjectRef& object);
    void busyChanged(bool busy);

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    void rebuildFilterMenu();
    void applyFilter(int comboIndex);
    void applyRealmFilter(int comboIndex);
    void updateTotals();
    void setBusy(bool busy);
    /// Computes a filter's Summary as a job; `aggregate` runs on the job's thread.
    using AggregateWork =
        std::function<heapscope::Expected<heapscope::Aggregates>(const heapscope::WorkContext&)>;
    void startFilterJob(AggregateWork aggregate);
    /// The timeline's selection as an entry of the filter menu (DevTools: an object id range), applied.
    void showInterval(bool active, quint32 minId, quint32 maxId, const QString& title);
    int intervalEntry() const;

    SnapshotSession* m_session;
    SnapshotDocument* m_document;
    Navigator* m_navigator;
    heapscope::AnalysisPtr m_analysis;
    SummaryModel* m_model;
    QTreeView* m_view;
    QLineEdit* m_classFilter;
    QComboBox* m_filterCombo;
    QLineEdit* m_find;
    QLabel* m_totals;
    QProgressBar* m_busyIndicator;
    QPushButton* m_cancelFilter;
    QWidget* m_findNotice;
    QLabel* m_findNoticeText;
    heapscope::NodeOrdinal m_hiddenNode; ///< the object the notice is about
    BackgroundJob* m_filterJob;
    std::function<void(JobContext&)> m_filterWorkHook;
    int m_shownFilter = 0; ///< the filter menu entry whose rows the model shows
    bool m_busy = false;
    TimelineWidget* m_timeline = nullptr;
    bool m_intervalActive = false; ///< the timeline has a selection
    quint32 m_intervalMin = 0, m_intervalMax = 0;
    QString m_intervalTitle;
};
