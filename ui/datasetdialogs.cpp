#include "ui/datasetdialogs.h"
#include "datasets/workpool.h"

#include "datasets/mask.h"
#include "datasets/media.h"
#include "datasets/output.h"
#include "datasets/splits.h"
#include "ui/filedialogs.h"
#include "ui/plural.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QEventLoop>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPainter>
#include <QProgressDialog>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace gw::ui {

using namespace gw::datasets;

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

/// Runs work on the thread pool with a modal progress dialog; the work's progress callback returns false
/// once Cancel was pressed. Returns the work's result.
template<typename T>
Result<T> runWithProgress(QWidget *parent, const QString &label, std::function<Result<T>(ProgressFn)> work)
{
    auto done = std::make_shared<std::atomic<int64_t>>(0), total = std::make_shared<std::atomic<int64_t>>(0);
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    QProgressDialog progress(label, QObject::tr("Cancel"), 0, 0, parent);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    QObject::connect(&progress, &QProgressDialog::canceled, [cancelled] { cancelled->store(true); });
    QFutureWatcher<Result<T>> watcher;
    QEventLoop loop;
    QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (const int64_t t = total->load(); t > 0) {
            progress.setMaximum(1000);
            progress.setValue(int(done->load() * 1000 / t));
        }
    });
    poll.start(100);
    watcher.setFuture(QtConcurrent::run(workPool(), [work, done, total, cancelled] {
        return work([done, total, cancelled](int64_t d, int64_t t) {
            done->store(d);
            total->store(t);
            return !cancelled->load();
        });
    }));
    loop.exec();
    return watcher.result();
}

/// The first labelled image of a job with augmented copies of it, boxes and masks drawn on them.
std::vector<QImage> previewImages(const std::string &storePath, const std::string &jobName, AugmentOptions o, int n)
{
    std::vector<QImage> out;
    auto store = ProjectStore::open(storePath, ProjectStore::OpenMode::OpenExisting);
    if (!store)
        return out;
    auto job = (*store)->job(jobName);
    if (!job || !taskInfo(job->type).image)
        return out;
    std::optional<Annotation> first;
    std::string path;
    (void)(*store)->forEachAnnotation(job->id, [&](const Annotation &a) {
        auto item = (*store)->item(a.itemId);
        if (!item || item->kind != MediaKind::Image || media::isUri(item->uri))
            return true;
        first = a;
        path = media::resolve((*store)->projectDir(), item->uri);
        return false;
    });
    if (!first)
        return out;
    for (int copy = 1; copy <= n; ++copy) {
        auto a = augmentImage(path, first->payload, job->type, job->classes, o, first->itemId, copy);
        if (!a)
            break;
        QImage img;
        img.loadFromData(QByteArray::fromStdString(a->encoded));
        img = img.convertToFormat(QImage::Format_RGB32);
        QPainter p(&img);
        if (!a->label.mask.empty())
            if (auto m = mask::decode(a->label.mask)) {
                QImage overlay(m->width, m->height, QImage::Format_ARGB32);
                overlay.fill(Qt::transparent);
                for (int y = 0; y < m->height; ++y)
                    for (int x = 0; x < m->width; ++x)
                        if (const int v = m->pixels[size_t(y * m->width + x)]; v > 0)
                            if (const LabelClass *c = job->classById(v - 1)) {
                                QColor col(qs(c->color));
                                col.setAlpha(110);
                                overlay.setPixelColor(x, y, col);
                            }
                p.drawImage(0, 0, overlay);
            }
        for (const Box &b : a->label.boxes) {
            const LabelClass *c = job->classById(b.classId);
            p.setPen(QPen(QColor(c ? qs(c->color) : QStringLiteral("#ffffff")), std::max(1.0, img.width() / 200.0)));
            p.drawRect(QRectF(b.left, b.top, b.width, b.height));
        }
        p.end();
        out.push_back(img.scaled(160, 160, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    }
    return out;
}

QDoubleSpinBox *spin(double max, double step, double value, const QString &suffix = {})
{
    auto *s = new QDoubleSpinBox;
    s->setRange(0, max);
    s->setSingleStep(step);
    s->setDecimals(step < 0.1 ? 2 : 1);
    s->setValue(value);
    s->setSuffix(suffix);
    return s;
}

/// A form whose fields keep the width they ask for: a spin box stretched across the dialog reads as a text
/// field, and one squeezed below its size hint cuts its number off.
QFormLayout *compactForm()
{
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    return form;
}

/// An option's command-line help as a tooltip: the dialog already shows whether it is for export or import.
QString optionTip(const std::string &description)
{
    for (std::string_view use : {"export: ", "import: "})
        if (description.starts_with(use))
            return qs(description.substr(use.size()));
    return qs(description);
}

} // namespace

// ---- options ----

void FormatOptionsForm::showExport(const Format *format, TaskType job)
{
    show(format,
         [job](const FormatOption &o) { return o.use != FormatOption::Use::Import && o.appliesTo(job); });
}

void FormatOptionsForm::showImport(const Format *format)
{
    show(format, [](const FormatOption &o) { return o.use != FormatOption::Use::Export; });
}

void FormatOptionsForm::show(const Format *format, const std::function<bool(const FormatOption &)> &wanted)
{
    for (QWidget *w : m_rows)
        m_layout->removeRow(w);
    m_rows.clear();
    m_fields.clear();
    if (!format)
        return;
    for (const FormatOption &o : format->options) {
        if (!wanted(o))
            continue;
        QWidget *field = nullptr;
        if (!o.choices.empty()) {
            auto *combo = new QComboBox;
            for (size_t i = 0; i < o.choices.size(); ++i)
                combo->addItem(qs(i < o.choiceLabels.size() ? o.choiceLabels[i] : o.choices[i]),
                               qs(o.choices[i]));
            combo->setCurrentIndex(std::max(0, combo->findData(qs(o.defaultValue))));
            field = combo;
        } else {
            field = new QLineEdit(qs(o.defaultValue));
        }
        field->setToolTip(optionTip(o.description));
        m_layout->insertRow(m_at < 0 ? -1 : m_at + int(m_rows.size()), qs(o.label.empty() ? o.key : o.label),
                            field);
        m_rows.push_back(field);
        m_fields.emplace_back(o.key, field);
    }
}

std::map<std::string, std::string> FormatOptionsForm::values() const
{
    std::map<std::string, std::string> out;
    for (const auto &[key, w] : m_fields) {
        if (auto *c = qobject_cast<QComboBox *>(w))
            out[key] = c->currentData().toString().toStdString();
        else if (auto *e = qobject_cast<QLineEdit *>(w))
            out[key] = e->text().toStdString();
    }
    return out;
}

// ---- export ----

ExportDialog::ExportDialog(const QString &storePath, const QString &job, QWidget *parent)
    : QDialog(parent), m_storePath(storePath)
{
    setWindowTitle(tr("Export Dataset"));
    m_job = new QComboBox;
    m_job->setObjectName(QStringLiteral("job"));
    if (auto store = ProjectStore::open(storePath.toStdString(), ProjectStore::OpenMode::OpenExisting))
        if (auto jobs = (*store)->jobs())
            for (const Job &j : *jobs) {
                m_job->addItem(tr("%1  (%2)").arg(qs(j.name), qs(std::string(taskInfo(j.type).title))),
                               QVariant::fromValue(int(j.type)));
                m_job->setItemData(m_job->count() - 1, qs(j.name), Qt::UserRole + 1);
            }
    m_job->setCurrentIndex(std::max(0, m_job->findData(job, Qt::UserRole + 1)));
    m_format = new QComboBox;
    m_format->setObjectName(QStringLiteral("format"));
    m_description = new QLabel;
    m_description->setWordWrap(true);
    m_out = new QLineEdit;
    // Room for a path a person can check at a glance, in the user's font rather than in pixels.
    m_out->setMinimumWidth(m_out->fontMetrics().averageCharWidth() * 48);
    auto *choose = new QPushButton(tr("Choose…"));
    auto *outRow = new QHBoxLayout;
    outRow->addWidget(m_out, 1);
    outRow->addWidget(choose);
    auto *splitRow = new QHBoxLayout;
    const QString splitTitles[4] = {tr("Train"), tr("Validation"), tr("Test"), tr("No split")};
    for (int i = 0; i < 4; ++i) {
        m_splits[i] = new QCheckBox(splitTitles[i]);
        m_splits[i]->setChecked(true);
        splitRow->addWidget(m_splits[i]);
    }
    splitRow->addStretch();
    m_unlabeled = new QCheckBox(tr("Include unlabeled items"));
    m_unlabeled->setObjectName(QStringLiteral("unlabeled"));
    m_unlabeledNote = new QLabel(tr("(this format holds only labeled items)"));
    m_unlabeledNote->setObjectName(QStringLiteral("unlabeledReason"));
    m_unlabeledNote->setEnabled(false); // greyed like the box it explains
    auto *unlabeledRow = new QHBoxLayout;
    unlabeledRow->addWidget(m_unlabeled);
    unlabeledRow->addWidget(m_unlabeledNote);
    unlabeledRow->addStretch();
    m_name = new QLineEdit;
    m_name->setPlaceholderText(tr("optional, e.g. \"first release\""));

    // The description shares the format's field: QFormLayout gives a row with an empty label no height for
    // its width, so a row of its own kept the lines the text needs at its narrow size hint, blank lines in a
    // dialog as wide as its preview.
    auto *formatColumn = new QVBoxLayout;
    formatColumn->addWidget(m_format);
    formatColumn->addWidget(m_description);
    auto *form = new QFormLayout;
    form->addRow(tr("Job"), m_job);
    form->addRow(tr("Format"), formatColumn);
    form->addRow(tr("Write to"), outRow);
    form->addRow(tr("Splits"), splitRow);
    form->addRow(QString(), unlabeledRow);
    m_optionRows = form;
    m_options = std::make_unique<FormatOptionsForm>(form, form->rowCount()); // above the version name
    form->addRow(tr("Version name"), m_name);
    m_augment = makeAugmentation();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    QPushButton *exportButton = buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_augment);
    layout->addWidget(buttons);
    // The dialog takes the size its rows ask for, again whenever they change (another format's description
    // and options, the preview appearing). Resizable, it opened at most two thirds of the screen high, down
    // to its layout's minimum height, which leaves the wrapped description's lines out of account: the rows
    // below were squeezed and the spin boxes' numbers cut off.
    layout->setSizeConstraint(QLayout::SetFixedSize);

    m_previewTimer = new QTimer(this);
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(200);
    connect(m_previewTimer, &QTimer::timeout, this, &ExportDialog::updatePreview);
    connect(m_job, &QComboBox::currentIndexChanged, this, [this] {
        fillFormats();
        schedulePreview();
    });
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::formatChanged);
    connect(choose, &QPushButton::clicked, this, &ExportDialog::chooseOut);
    connect(m_augment, &QGroupBox::toggled, this, &ExportDialog::schedulePreview);
    for (QDoubleSpinBox *s : {m_rotate, m_scaleMin, m_scaleMax, m_crop, m_brightness, m_contrast, m_blur, m_noise})
        connect(s, &QDoubleSpinBox::valueChanged, this, &ExportDialog::schedulePreview);
    for (QSpinBox *s : {m_copies, m_cutout})
        connect(s, &QSpinBox::valueChanged, this, &ExportDialog::schedulePreview);
    for (QCheckBox *c : {m_hflip, m_vflip})
        connect(c, &QCheckBox::toggled, this, &ExportDialog::schedulePreview);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        if (runExport())
            accept();
        else if (!m_declined) // a "No" to replacing needs no second message
            QMessageBox::warning(this, tr("Export"), m_outcome);
    });
    fillFormats();
    updatePreview(); // hides the preview's empty frames until copies are asked for
}

/// Augmentation: the usual settings, side by side in two short columns (where and how the picture moves;
/// what happens to its pixels) to keep the dialog low, and what they do to a real image of the job.
QGroupBox *ExportDialog::makeAugmentation()
{
    auto *group = new QGroupBox(tr("Augmented copies"));
    group->setCheckable(true);
    group->setChecked(false);
    m_copies = new QSpinBox;
    m_copies->setRange(1, 50);
    m_copies->setValue(2);
    m_hflip = new QCheckBox(tr("Horizontal"));
    m_hflip->setChecked(true);
    m_vflip = new QCheckBox(tr("Vertical"));
    m_rotate = spin(180, 1, 10, tr("°"));
    m_scaleMin = spin(4, 0.05, 0.9);
    m_scaleMax = spin(4, 0.05, 1.1);
    m_crop = spin(0.5, 0.05, 0.05);
    m_brightness = spin(1, 0.05, 0.1);
    m_contrast = spin(1, 0.05, 0.1);
    m_blur = spin(10, 0.5, 0, tr(" px"));
    m_noise = spin(0.5, 0.01, 0);
    m_cutout = new QSpinBox;
    m_cutout->setRange(0, 10);
    auto *flips = new QHBoxLayout;
    flips->addWidget(m_hflip);
    flips->addWidget(m_vflip);
    auto *scale = new QHBoxLayout;
    scale->addWidget(m_scaleMin);
    scale->addWidget(new QLabel(tr("to")));
    scale->addWidget(m_scaleMax);
    QFormLayout *geometry = compactForm();
    geometry->addRow(tr("Copies per image"), m_copies);
    geometry->addRow(tr("Flips"), flips);
    geometry->addRow(tr("Rotation up to"), m_rotate);
    geometry->addRow(tr("Scale"), scale);
    geometry->addRow(tr("Shift (share of size)"), m_crop);
    QFormLayout *pixels = compactForm();
    pixels->addRow(tr("Brightness ±"), m_brightness);
    pixels->addRow(tr("Contrast ±"), m_contrast);
    pixels->addRow(tr("Blur up to"), m_blur);
    pixels->addRow(tr("Noise"), m_noise);
    pixels->addRow(tr("Cutout boxes"), m_cutout);
    auto *settings = new QHBoxLayout;
    settings->addLayout(geometry);
    settings->addSpacing(3 * fontMetrics().averageCharWidth());
    settings->addLayout(pixels);
    settings->addStretch();
    auto *previewRow = new QHBoxLayout;
    for (QLabel *&l : m_preview) {
        l = new QLabel;
        l->setFixedSize(164, 164); // previewImages() scales copies to 160 px, plus the frame
        l->setAlignment(Qt::AlignCenter);
        l->setFrameShape(QFrame::StyledPanel);
        previewRow->addWidget(l);
    }
    m_previewNote = new QLabel(tr("Preview: copies of the job's first labeled image"));
    auto *augLayout = new QVBoxLayout(group);
    augLayout->addLayout(settings);
    augLayout->addWidget(m_previewNote);
    augLayout->addLayout(previewRow);
    return group;
}

ExportDialog::~ExportDialog()
{
    if (m_previewWatcher)
        m_previewWatcher->waitForFinished();
}

TaskType ExportDialog::jobType() const
{
    return TaskType(m_job->currentData().toInt());
}

/// Augmented copies are of images: for a text job the whole group goes rather than sitting greyed out.
bool ExportDialog::augmentApplies() const
{
    return m_job->count() > 0 && taskInfo(jobType()).image;
}

void ExportDialog::fillFormats()
{
    const QSignalBlocker block(m_format);
    const QString previous = m_format->currentData().toString();
    m_format->clear();
    for (const Format &f : allFormats())
        if (f.write && f.carries(jobType()))
            m_format->addItem(qs(f.name), qs(f.id));
    m_format->setCurrentIndex(std::max(0, m_format->findData(previous)));
    formatChanged();
}

void ExportDialog::formatChanged()
{
    const Format *f = findFormat(m_format->currentData().toString().toStdString());
    m_description->setText(f ? qs(f->summaryFor(jobType())) : QString());
    m_out->setPlaceholderText(f && f->writesFolder ? tr("A new folder to write it into")
                                                   : tr("The file to write"));
    m_options->showExport(f, jobType());
    const bool unlabeled = !f || f->writesUnlabeled;
    if (!unlabeled)
        m_unlabeled->setChecked(false); // a ticked box beside "only labeled items" would contradict it
    m_unlabeled->setEnabled(unlabeled);
    m_unlabeledNote->setVisible(!unlabeled);
    m_augment->setVisible(augmentApplies());
}

void ExportDialog::setFormat(const QString &id)
{
    m_format->setCurrentIndex(m_format->findData(id));
}

void ExportDialog::setOutPath(const QString &path)
{
    m_out->setText(path);
}

void ExportDialog::setAugmentation(const QString &spec)
{
    if (spec.isEmpty()) {
        m_augment->setChecked(false);
        return;
    }
    auto o = AugmentOptions::parse(spec.toStdString());
    if (!o)
        return;
    m_augment->setChecked(true);
    m_copies->setValue(o->copies);
    m_hflip->setChecked(o->hflip > 0);
    m_vflip->setChecked(o->vflip > 0);
    m_rotate->setValue(o->rotate);
    m_scaleMin->setValue(o->scale[0]);
    m_scaleMax->setValue(o->scale[1]);
    m_crop->setValue(o->crop);
    m_brightness->setValue(o->brightness);
    m_contrast->setValue(o->contrast);
    m_blur->setValue(o->blur);
    m_noise->setValue(o->noise);
    m_cutout->setValue(o->cutout);
}

void ExportDialog::chooseOut()
{
    const Format *f = findFormat(m_format->currentData().toString().toStdString());
    const QString path = f && f->writesFolder
                             ? filedialogs::folder(this, tr("Export to a new folder"), m_out->text(), true)
                             : filedialogs::saveFile(this, tr("Export to"), m_out->text());
    if (!path.isEmpty())
        m_out->setText(path);
}

Result<DatasetExport> ExportDialog::request() const
{
    DatasetExport r;
    r.format = m_format->currentData().toString().toStdString();
    r.jobs = {m_job->currentData(Qt::UserRole + 1).toString().toStdString()};
    r.versionName = m_name->text().trimmed().toStdString();
    r.options.outPath = m_out->text().trimmed().toStdString();
    if (r.options.outPath.empty())
        return fail(Error::invalid(tr("Choose where to write the dataset.").toStdString()));
    const bool all = std::all_of(std::begin(m_splits), std::end(m_splits), [](QCheckBox *c) { return c->isChecked(); });
    if (!all) {
        for (int i = 0; i < 3; ++i)
            if (m_splits[i]->isChecked())
                r.options.splits.push_back(kSplitNames[size_t(i)]);
        if (m_splits[3]->isChecked())
            r.options.splits.push_back({});
        if (r.options.splits.empty())
            return fail(Error::invalid(tr("Choose at least one split.").toStdString()));
    }
    r.options.onlyLabeled = !(m_unlabeled->isEnabled() && m_unlabeled->isChecked());
    r.options.settings = m_options->values();
    if (augmentApplies() && m_augment->isChecked()) {
        auto o = augmentOptions();
        if (!o)
            return fail(o.error());
        r.options.augment = *o;
    }
    return r;
}

Result<AugmentOptions> ExportDialog::augmentOptions() const
{
    {
        const QString spec = QStringLiteral("copies=%1,hflip=%2,vflip=%3,rotate=%4,scale=%5:%6,crop=%7,brightness=%8,"
                                            "contrast=%9,blur=%10,noise=%11,cutout=%12")
                                 .arg(m_copies->value())
                                 .arg(m_hflip->isChecked() ? 0.5 : 0)
                                 .arg(m_vflip->isChecked() ? 0.5 : 0)
                                 .arg(m_rotate->value())
                                 .arg(m_scaleMin->value())
                                 .arg(std::max(m_scaleMin->value(), m_scaleMax->value()))
                                 .arg(m_crop->value())
                                 .arg(m_brightness->value())
                                 .arg(m_contrast->value())
                                 .arg(m_blur->value())
                                 .arg(m_noise->value())
                                 .arg(m_cutout->value());
        return AugmentOptions::parse(spec.toStdString());
    }
}

void ExportDialog::schedulePreview()
{
    m_previewTimer->start();
}

void ExportDialog::updatePreview()
{
    const bool on = augmentApplies() && m_augment->isChecked();
    for (QLabel *l : m_preview)
        l->setVisible(on);
    m_previewNote->setVisible(on);
    if (!on)
        return;
    if (m_previewWatcher) { // one at a time; the latest settings win
        m_previewTimer->start();
        return;
    }
    const auto options = augmentOptions();
    if (!options) {
        m_previewNote->setText(qs(options.error().message));
        return;
    }
    const AugmentOptions o = *options;
    m_previewWatcher = new QFutureWatcher<std::vector<QImage>>(this);
    connect(m_previewWatcher, &QFutureWatcherBase::finished, this, [this] {
        const std::vector<QImage> images = m_previewWatcher->result();
        m_previewWatcher->deleteLater();
        m_previewWatcher = nullptr;
        for (size_t i = 0; i < 4; ++i)
            m_preview[i]->setPixmap(i < images.size() ? QPixmap::fromImage(images[i]) : QPixmap());
        m_previewNote->setText(images.empty() ? tr("Preview: the job has no labeled image to show")
                                              : tr("Preview: copies of the job's first labeled image"));
    });
    m_previewWatcher->setFuture(QtConcurrent::run(workPool(), previewImages, m_storePath.toStdString(),
                                                  m_job->currentData(Qt::UserRole + 1).toString().toStdString(), o, 4));
}

int ExportDialog::previewCount() const
{
    return int(std::count_if(std::begin(m_preview), std::end(m_preview),
                             [](QLabel *l) { return l->isVisible() && !l->pixmap().isNull(); }));
}

/// Looks at what the export would write over before it starts: refusals are said at once, an earlier
/// export is replaced only when the user agrees.
bool ExportDialog::mayWriteTargets(DatasetExport &r)
{
    m_declined = false;
    auto store = ProjectStore::open(m_storePath.toStdString(), ProjectStore::OpenMode::OpenExisting);
    if (!store) {
        m_outcome = qs(store.error().message);
        return false;
    }
    const OutputRules rules = outputRulesFor(**store, false);
    QStringList replaced;
    bool anyFolder = false;
    for (const auto &[target, folder] : exportTargets(r)) {
        const TargetState state = inspectTarget(target, folder, rules);
        if (state.kind == TargetState::Kind::Refused) {
            m_outcome = qs(state.message);
            return false;
        }
        if (state.kind == TargetState::Kind::Replaceable) {
            replaced << QDir::toNativeSeparators(qs(target));
            anyFolder = anyFolder || folder;
        }
    }
    if (replaced.isEmpty())
        return true;
    QStringList names;
    for (const QString &path : replaced)
        names << QFileInfo(path).fileName();
    const QString question =
        replaced.size() > 1 ? tr("“%1” were written by an earlier export. Replace them with this export?")
                                  .arg(names.join(tr("” and “")))
        : anyFolder ? tr("The folder “%1” holds an earlier export. Replace it with this export?").arg(names.first())
                    : tr("“%1” was written by an earlier export. Replace it with this export?").arg(names.first());
    const QString detail = (anyFolder ? tr("Every file in it was written by Groundwork; nothing else is touched.")
                                      : tr("Nothing else is touched."))
                           + QLatin1String("\n\n") + replaced.join(QLatin1Char('\n'));
    QMessageBox box(QMessageBox::Question, tr("Replace the Earlier Export?"), question,
                    QMessageBox::Yes | QMessageBox::No, this);
    box.setInformativeText(detail);
    box.setDefaultButton(QMessageBox::No);
    box.button(QMessageBox::Yes)->setText(tr("Replace"));
    box.button(QMessageBox::No)->setText(tr("Keep It"));
    const bool yes = m_replaceAnswer ? m_replaceAnswer(box) : box.exec() == QMessageBox::Yes;
    if (!yes) {
        m_outcome = tr("Nothing was written: choose another place, or agree to replace the earlier export.");
        m_declined = true;
        return false;
    }
    r.overwrite = true;
    return true;
}

bool ExportDialog::runExport()
{
    auto r = request();
    if (!r) {
        m_outcome = qs(r.error().message);
        return false;
    }
    if (!mayWriteTargets(*r))
        return false;
    const std::string path = m_storePath.toStdString();
    auto outcome = runWithProgress<ExportOutcome>(this, tr("Exporting %1…").arg(qs(r->options.outPath)),
                                                  [path, req = *r](ProgressFn progress) -> Result<ExportOutcome> {
                                                      auto store = ProjectStore::open(path, ProjectStore::OpenMode::OpenExisting);
                                                      if (!store)
                                                          return fail(store.error());
                                                      DatasetExport withProgress = req;
                                                      withProgress.options.progress = progress;
                                                      return exportDataset(**store, withProgress);
                                                  });
    if (!outcome) {
        m_outcome = outcome.error().code == Error::Code::Cancelled ? tr("Export cancelled: nothing was written.")
                                                                   : qs(outcome.error().message);
        return false;
    }
    m_outcome =
        tr("Wrote %1: %2, %3. Recorded as dataset version %4 (sha256 %5…).")
            .arg(qs(r->options.outPath), plural(outcome->report.lines, tr("%1 item"), tr("%1 items")),
                 plural(outcome->report.labels, tr("%1 label"), tr("%1 labels")),
                 QString::number(outcome->version.id), qs(outcome->version.contentHash.substr(0, 12)));
    return true;
}

// ---- import ----

ImportDatasetDialog::ImportDatasetDialog(const QString &storePath, QWidget *parent)
    : QDialog(parent), m_storePath(storePath)
{
    setWindowTitle(tr("Import Labeled Dataset"));
    m_format = new QComboBox;
    for (const Format &f : allFormats())
        if (f.read)
            m_format->addItem(qs(f.name), qs(f.id));
    m_description = new QLabel;
    m_description->setWordWrap(true);
    m_description->setMinimumHeight(48);
    m_path = new QLineEdit;
    auto *choose = new QPushButton(tr("Choose…"));
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(choose);
    m_job = new QComboBox;
    m_job->setEditable(true);
    m_job->lineEdit()->setPlaceholderText(tr("the format's own name when empty"));
    if (auto store = ProjectStore::open(storePath.toStdString(), ProjectStore::OpenMode::OpenExisting))
        if (auto jobs = (*store)->jobs())
            for (const Job &j : *jobs)
                m_job->addItem(qs(j.name));
    m_job->setCurrentText(QString());
    m_addClasses = new QCheckBox(tr("An existing job gains the classes it lacks"));
    auto *form = new QFormLayout;
    form->addRow(tr("Format"), m_format);
    form->addRow(QString(), m_description);
    form->addRow(tr("Read from"), pathRow);
    form->addRow(tr("Into job"), m_job);
    form->addRow(QString(), m_addClasses);
    m_optionRows = form;
    m_options = std::make_unique<FormatOptionsForm>(form);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    QPushButton *importButton = buttons->addButton(tr("Import"), QDialogButtonBox::AcceptRole);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ImportDatasetDialog::formatChanged);
    connect(choose, &QPushButton::clicked, this, &ImportDatasetDialog::choosePath);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(importButton, &QPushButton::clicked, this, [this] {
        if (runImport())
            accept();
        else
            QMessageBox::warning(this, tr("Import"), m_outcome);
    });
    formatChanged();
    setMinimumWidth(620);
}

void ImportDatasetDialog::formatChanged()
{
    const Format *f = findFormat(m_format->currentData().toString().toStdString());
    m_description->setText(f ? qs(f->summary) : QString()); // plain words; the CLI's own text is for --help
    m_options->showImport(f);
}

void ImportDatasetDialog::setFormat(const QString &id)
{
    m_format->setCurrentIndex(m_format->findData(id));
}

void ImportDatasetDialog::setPath(const QString &path)
{
    m_path->setText(path);
}

void ImportDatasetDialog::setJob(const QString &job)
{
    m_job->setCurrentText(job);
}

QString ImportDatasetDialog::job() const
{
    return m_job->currentText().trimmed();
}

void ImportDatasetDialog::choosePath()
{
    const Format *f = findFormat(m_format->currentData().toString().toStdString());
    const QString path = f && f->readsFolder
                             ? filedialogs::folder(this, tr("Dataset folder"), m_path->text())
                             : filedialogs::openFile(this, tr("Dataset file"), m_path->text(),
                                                     f ? qs(f->fileFilter) : QString());
    if (!path.isEmpty())
        m_path->setText(path);
}

bool ImportDatasetDialog::runImport()
{
    const Format *f = findFormat(m_format->currentData().toString().toStdString());
    if (!f || m_path->text().trimmed().isEmpty()) {
        m_outcome = tr("Choose a format and what to read.");
        return false;
    }
    FormatImportOptions o;
    o.job = job().toStdString();
    o.addClasses = m_addClasses->isChecked();
    o.settings = m_options->values();
    const std::string storePath = m_storePath.toStdString(), path = m_path->text().trimmed().toStdString();
    auto report = runWithProgress<ImportReport>(this, tr("Importing %1…").arg(m_path->text()),
                                                [storePath, path, o, f](ProgressFn progress) -> Result<ImportReport> {
                                                    auto store = ProjectStore::open(storePath, ProjectStore::OpenMode::OpenExisting);
                                                    if (!store)
                                                        return fail(store.error());
                                                    FormatImportOptions withProgress = o;
                                                    withProgress.progress = progress;
                                                    return f->import(**store, path, withProgress);
                                                });
    if (!report) {
        m_outcome = report.error().code == Error::Code::Cancelled ? tr("Import cancelled: nothing was added.")
                                                                  : qs(report.error().message);
        return false;
    }
    if (!report->jobsCreated.empty())
        m_job->setCurrentText(qs(report->jobsCreated.front()));
    m_outcome = tr("%1: %2 added, %3 already in the project, %4.")
                    .arg(m_path->text(), plural(report->itemsAdded, tr("%1 item"), tr("%1 items")),
                         QString::number(report->itemsMatched),
                         plural(report->labels, tr("%1 label"), tr("%1 labels")));
    for (const std::string &w : report->warnings)
        m_outcome += QLatin1Char('\n') + qs(w);
    return true;
}

} // namespace gw::ui
