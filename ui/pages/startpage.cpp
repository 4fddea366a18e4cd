// SPDX-License-Identifier: MIT
#include "startpage.h"

#include "textutil.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGridLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

double relativeLuminance(const QColor& c) {
    auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    const QColor rgb = c.toRgb();
    return 0.2126 * channel(rgb.redF()) + 0.7152 * channel(rgb.greenF()) + 0.0722 * channel(rgb.blueF());
}

QColor blend(const QColor& from, const QColor& to, double t) {
    const QColor a = from.toRgb(), b = to.toRgb();
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

QLabel* heading(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.15);
    label->setFont(f);
    return label;
}

} // namespace

double StartPage::contrastRatio(const QColor& a, const QColor& b) {
    const double la = relativeLuminance(a), lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor StartPage::hintColor(const QPalette& palette) {
    const QColor text = palette.color(QPalette::Active, QPalette::WindowText);
    const QColor window = palette.color(QPalette::Active, QPalette::Window);
    // Move from the text colour toward the background only as far as 4.5:1 (WCAG AA) allows; a
    // disabled or placeholder colour is often far fainter than that, most of all in dark themes.
    for (double t = 0.35; t > 0.0; t -= 0.05) {
        const QColor c = blend(text, window, t);
        if (contrastRatio(c, window) >= 4.5)
            return c;
    }
    return text;
}

QString StartPage::command(Way way) {
    switch (way) {
    case InspectWay:
        return u"node --inspect app.js"_s;
    case SignalWay:
        return u"node --heapsnapshot-signal=SIGUSR2 app.js\nkill -USR2 PID"_s;
    case WriteHeapSnapshotWay:
        return u"require('node:v8').writeHeapSnapshot();"_s;
    case InspectorProtocolWay:
        return u"const fs = require('node:fs'), { Session } = require('node:inspector');\n"
               u"const session = new Session(), fd = fs.openSync('app.heapsnapshot', 'w');\n"
               u"session.connect();\n"
               u"session.on('HeapProfiler.addHeapSnapshotChunk', (m) => fs.writeSync(fd, m.params.chunk));\n"
               u"session.post('HeapProfiler.takeHeapSnapshot', null, () => fs.closeSync(fd));"_s;
    }
    return {};
}

StartPage::StartPage(QWidget* parent) : QWidget(parent) {
    setObjectName(u"startPage"_s);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    auto* content = new QWidget(scroll);
    content->setObjectName(u"startContent"_s);
    scroll->setWidget(content);
    auto* column = new QWidget(content);
    column->setMaximumWidth(860);
    auto* layout = new QVBoxLayout(column);
    layout->setSpacing(8);

    auto* title = new QLabel(tr("Heapscope"), column);
    QFont tf = title->font();
    tf.setPointSizeF(tf.pointSizeF() * 2.2);
    tf.setBold(true);
    title->setFont(tf);
    auto* subtitle = new QLabel(tr("Find what holds memory in a JavaScript program: open a V8 heap snapshot "
                                   "(.heapsnapshot, .heaptimeline, or gzipped), or two of the same process "
                                   "to see what grew between them."),
                                column);
    subtitle->setWordWrap(true);

    auto* open =
        new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("Open Snapshot…"), column);
    open->setObjectName(u"openButton"_s);
    open->setDefault(true);
    m_example = new QPushButton(tr("Open Example"), column);
    m_example->setObjectName(u"openExampleButton"_s);
    m_example->setToolTip(
        tr("Two snapshots of a small leaking Node.js server, opened side by side with the Comparison"));
    m_connect = new QPushButton(tr("Connect to a Running Process…"), column);
    m_connect->setObjectName(u"connectButton"_s);
    m_connect->setToolTip(tr("Take snapshots of a Node.js process started with --inspect, or of Chrome"));
    m_watch = new QPushButton(tr("Watch a Folder…"), column);
    m_watch->setObjectName(u"watchFolderButton"_s);
    m_watch->setToolTip(tr("Open the snapshots a program writes to a folder as they appear"));
    connect(open, &QPushButton::clicked, this, &StartPage::openRequested);
    connect(m_example, &QPushButton::clicked, this, &StartPage::openExampleRequested);
    connect(m_connect, &QPushButton::clicked, this, &StartPage::connectRequested);
    connect(m_watch, &QPushButton::clicked, this, &StartPage::watchFolderRequested);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(open);
    buttons->addWidget(m_example);
    buttons->addWidget(m_connect);
    buttons->addWidget(m_watch);
    buttons->addStretch();

    auto* hint = new QLabel(tr("You can also drop files on this window, or name them on the command line: "
                               "<tt>heapscope before.heapsnapshot after.heapsnapshot</tt>"),
                            column);
    hint->setObjectName(u"dropHint"_s);
    hint->setWordWrap(true);
    m_hints << hint;

    m_recentTitle = heading(tr("Recent files"), column);
    m_recent = new QListWidget(column);
    m_recent->setObjectName(u"recentFiles"_s);
    m_recent->setFrameShape(QFrame::NoFrame);
    m_recent->setIconSize(QSize(24, 24));
    m_recent->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_recent->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        Q_EMIT openRecentRequested(item->data(Qt::UserRole).toString());
    });

    layout->addWidget(title);
    layout->addWidget(subtitle);
    layout->addSpacing(8);
    layout->addLayout(buttons);
    layout->addWidget(hint);
    layout->addSpacing(12);
    layout->addWidget(m_recentTitle);
    layout->addWidget(m_recent);
    layout->addSpacing(12);
    layout->addWidget(createHowTo(column));
    layout->addStretch(1);

    auto* row = new QHBoxLayout(content);
    row->addStretch(1);
    row->addWidget(column, 6);
    row->addStretch(1);
    setRecentFiles({});
    applyHintColors();
}

QWidget* StartPage::createHowTo(QWidget* parent) {
    auto* box = new QWidget(parent);
    box->setObjectName(u"howToTakeSnapshot"_s);
    auto* grid = new QGridLayout(box);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(8);
    grid->addWidget(heading(tr("How to take a snapshot"), box), 0, 0, 1, 3);
    auto* intro = new QLabel(tr("The four ways Node.js documents, each with the command to copy and what "
                                "to do in Heapscope next:"),
                             box);
    intro->setWordWrap(true);
    m_hints << intro;
    grid->addWidget(intro, 1, 0, 1, 3);

    struct Entry {
        Way way;
        QString text;
        QString link;
        QString action; // link target
    };
    const QList<Entry> entries = {
        {InspectWay,
         tr("Start the program with the inspector, then take snapshots from here (Chrome and "
            "Edge too, started with <tt>--remote-debugging-port</tt>):"),
         tr("Connect to a running process…"), u"connect"_s},
        {SignalWay,
         tr("Start it with a signal handler; each signal writes a snapshot into its working "
            "directory:"),
         tr("Send the signal from Heapscope…"), u"signal"_s},
        {WriteHeapSnapshotWay, tr("Write one from the program itself (into its working directory):"),
         tr("Watch that folder…"), u"watch"_s},
        {InspectorProtocolWay, tr("Or through the inspector protocol, from inside the program:"),
         tr("Open the file it writes…"), u"open"_s},
    };
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    int row = 2, number = 1;
    for (const Entry& e : entries) {
        auto* text = new QLabel(QString(QString::number(number++) + u". "_s + e.text), box);
        text->setWordWrap(true);
        grid->addWidget(text, row++, 0, 1, 3);

        auto* code = new QLabel(box);
        code->setObjectName(u"howToCommand%1"_s.arg(int(e.way)));
        code->setTextFormat(Qt::PlainText);
        code->setText(command(e.way));
        code->setFont(mono);
        code->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        code->setWordWrap(false);
        code->setMargin(6);
        // Text on the base colour: the pair every style keeps readable, light or dark.
        code->setAutoFillBackground(true);
        code->setBackgroundRole(QPalette::Base);
        code->setForegroundRole(QPalette::Text);
        auto* copy = new QToolButton(box);
        copy->setObjectName(u"howToCopy%1"_s.arg(int(e.way)));
        copy->setText(tr("Copy"));
        copy->setToolTip(tr("Copy the command"));
        const Way way = e.way;
        connect(copy, &QToolButton::clicked, this,
                [way] { QGuiApplication::clipboard()->setText(command(way)); });
        auto* link = new QLabel(u"<a href=\"%1\">%2</a>"_s.arg(e.action, e.link.toHtmlEscaped()), box);
        link->setObjectName(u"howToLink%1"_s.arg(int(e.way)));
        link->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
        connect(link, &QLabel::linkActivated, this, [this](const QString& target) {
            if (target == u"connect"_s)
                Q_EMIT connectRequested();
            else if (target == u"signal"_s)
                Q_EMIT sendSignalRequested();
            else if (target == u"watch"_s)
                Q_EMIT watchFolderRequested();
            else
                Q_EMIT openRequested();
        });
        m_links << link;
        code->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        grid->addWidget(code, row++, 0, 1, 3);
        grid->addWidget(copy, row, 0, Qt::AlignLeft);
        grid->addWidget(link, row, 1, 1, 2, Qt::AlignLeft | Qt::AlignVCenter);
        ++row;
        grid->setRowMinimumHeight(row++, 6);
    }
    grid->setColumnStretch(2, 1);
    return box;
}

void StartPage::applyHintColors() {
    const QPalette pal = palette();
    const QColor hint = hintColor(pal);
    for (QLabel* label : std::as_const(m_hints)) {
        QPalette p = label->palette();
        p.setColor(QPalette::WindowText, hint);
        label->setPalette(p);
    }
    // Links in the palette's link colour unless that is hard to read on this background.
    QColor link = pal.color(QPalette::Link);
    if (contrastRatio(link, pal.color(QPalette::Window)) < 4.5)
        link = pal.color(QPalette::WindowText);
    for (QLabel* label : std::as_const(m_links)) {
        const QString text = label->text();
        const int start = text.indexOf(u'>') + 1, end = text.lastIndexOf(u"</a>"_s);
        const QString href = text.section(u'"', 1, 1);
        const bool enabled = m_captureAvailable || href == u"open"_s;
        label->setEnabled(enabled);
        label->setText(u"<a href=\"%1\" style=\"color:%2\">%3</a>"_s.arg(href, link.name(),
                                                                         text.mid(start, end - start)));
    }
}

void StartPage::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        applyHintColors();
}

void StartPage::setRecentFiles(const QStringList& paths) {
    m_recent->clear();
    const QLocale locale;
    for (const QString& path : paths) {
        const QFileInfo fi(path);
        QString details = QDir::toNativeSeparators(fi.absolutePath());
        if (fi.exists())
            details += u"  ·  "_s + TextUtil::bytesAdaptive(std::uint64_t(fi.size())) + u"  ·  "_s +
                       locale.toString(fi.lastModified(), QLocale::ShortFormat);
        else
            details += u"  ·  "_s + tr("not found");
        auto* item = new QListWidgetItem(fi.fileName() + u'\n' + details, m_recent);
        item->setData(Qt::UserRole, path);
        item->setToolTip(QDir::toNativeSeparators(path));
        item->setIcon(style()->standardIcon(QStyle::SP_FileIcon));
        if (!fi.exists())
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
    }
    m_recent->setVisible(!paths.isEmpty());
    m_recentTitle->setVisible(!paths.isEmpty());
}

void StartPage::setExampleAvailable(bool available) {
    m_example->setEnabled(available);
    if (!available)
        m_example->setToolTip(tr("The example snapshots are not installed"));
}

void StartPage::setCaptureAvailable(bool available) {
    m_captureAvailable = available;
    m_connect->setEnabled(available);
    m_watch->setEnabled(available);
    applyHintColors();
}
