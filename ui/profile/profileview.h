// SPDX-License-Identifier: MIT
// A sampling heap profile's document and window. ProfileView loads one .heapprofile on the jobs'
// pool and shows DevTools' three views of it: Bottom-up, Top-down and the flame chart, with a
// search by function name, the selected frame's script and line, and the sample count.
// ProfileWindow holds the open profiles as tabs, and the comparison of two profiles opened
// together.
#pragma once

#ifndef Q_MOC_RUN
#include <heapscope/sampling_profile.h>
#endif

#include <QMainWindow>
#include <QWidget>

class BackgroundJob;
class QAction;
class BottomUpModel;
class FlameChart;
class ProfileFilterModel;
class SampleStrip;
class QLabel;
class QLineEdit;
class QProgressBar;
class QStackedWidget;
class QTabWidget;
class QTreeView;
class TopDownModel;

class ProfileView : public QWidget {
    Q_OBJECT
public:
    enum Tab { BottomUpTab, TopDownTab, FlameChartTab };

    explicit ProfileView(const QString& path, QWidget* parent = nullptr);
    ~ProfileView() override;

    QString path() const { return m_path; }
    bool isLoading() const;
    bool isReady() const { return m_profile != nullptr; }
    /// The load error ("" while loading or when loaded).
    QString errorText() const { return m_error; }
    heapscope::SamplingProfilePtr profile() const { return m_profile; }
    double loadSeconds() const { return m_loadSeconds; }

    QTabWidget* tabs() const { return m_tabs; }
    QTreeView* bottomUpView() const { return m_bottomUpView; }
    QTreeView* topDownView() const { return m_topDownView; }
    FlameChart* flameChart() const { return m_flame; }
    QLineEdit* searchField() const { return m_search; }
    BottomUpModel* bottomUpModel() const { return m_bottomUp; }
    TopDownModel* topDownModel() const { return m_topDown; }
    ProfileFilterModel* bottomUpProxy() const { return m_bottomUpProxy; }
    ProfileFilterModel* topDownProxy() const { return m_topDownProxy; }
    /// The line under the views: the selected frame's script, line and numbers.
    QLabel* detailsLabel() const { return m_details; }
    QLabel* summaryLabel() const { return m_summary; }

    void setSearch(const QString& text);
    /// Shows only the samples with ordinals in [minOrdinal, maxOrdinal], as DevTools shows a
    /// selection of the recording (both 0: all of them). The strip above the views does this.
    void selectOrdinals(std::uint64_t minOrdinal, std::uint64_t maxOrdinal);
    /// What the views show: the profile, or the selection of its samples.
    heapscope::SamplingProfilePtr shownProfile() const { return m_shown; }
    SampleStrip* sampleStrip() const { return m_strip; }
    /// Shows a node in the Top-down tree (expanding its callers) and selects it.
    void revealInTopDown(std::uint32_t node);
    /// Zooms the flame chart to a node and shows it.
    void revealInFlameChart(std::uint32_t node);

Q_SIGNALS:
    void loaded();
    void failed(const QString& message);

private:
    void load();
    void onLoaded(heapscope::SamplingProfilePtr profile, std::vector<heapscope::BottomUpRow> bottomUp,
                  std::vector<heapscope::FlameEntry> flame, double seconds);
    void showDetails(std::uint32_t function, std::uint64_t self, std::uint64_t total, std::uint64_t samples);
    void showNodeDetails(std::uint32_t node);
    void setModels(std::vector<heapscope::BottomUpRow> bottomUp, std::vector<heapscope::FlameEntry> flame);

    QString m_path;
    heapscope::SamplingProfilePtr m_profile;
    heapscope::SamplingProfilePtr m_shown; // m_profile, or a selection of its samples
    QString m_error;
    double m_loadSeconds = 0;
    BackgroundJob* m_job;
    QStackedWidget* m_stack;
    QLabel* m_status;
    QProgressBar* m_progress;
    QWidget* m_content;
    QLabel* m_summary;
    QLineEdit* m_search;
    QTabWidget* m_tabs;
    QTreeView* m_bottomUpView;
    QTreeView* m_topDownView;
    FlameChart* m_flame;
    QLabel* m_details;
    SampleStrip* m_strip;
    QLabel* m_selection;
    BottomUpModel* m_bottomUp = nullptr;
    TopDownModel* m_topDown = nullptr;
    ProfileFilterModel* m_bottomUpProxy = nullptr;
    ProfileFilterModel* m_topDownProxy = nullptr;
};

class ProfileWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit ProfileWindow(QWidget* parent = nullptr);

    /// Whether a file is a sampling heap profile (its name, or its first bytes).
    static bool isProfile(const QString& path);
    /// The window of `owner` (made on first use).
    static ProfileWindow* of(QWidget* owner);

    /// Opens each profile in a tab (a file already open is selected again); with two, their
    /// comparison opens too once both are loaded.
    void openFiles(const QStringList& paths);
    QTabWidget* tabs() const { return m_tabs; }
    ProfileView* view(int index) const;
    QList<ProfileView*> views() const;
    /// Opens the comparison of two open, loaded profiles (replacing the previous comparison).
    void compare(ProfileView* base, ProfileView* current);
    /// The comparison tab's table, or null.
    QTreeView* comparisonView() const { return m_comparison; }
    /// The table the current tab shows (the flame chart has none), for File › Export Table.
    QTreeView* currentTable() const;
    /// Writes currentTable() to `path`; false (with a message box) when it cannot.
    bool exportTable(const QString& path);

private:
    void showComparison(ProfileView* base, ProfileView* current);
    void updateTitle();
    void exportTableDialog();
    void compareDialog();

    QTabWidget* m_tabs;
    QTreeView* m_comparison = nullptr;
    QAction* m_exportTable = nullptr;
};
