use super::*;
use std::os::unix::fs::symlink;

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn a_committed_transaction_replaces_the_folder_whole() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    fs::create_dir_all(reports.join("sweeps")).unwrap();
    fs::write(reports.join("old.json"), "old").unwrap();
    fs::write(reports.join("sweeps/kept.json"), "kept").unwrap();
    let txn = Transaction::begin(&reports).unwrap();
    fs::write(txn.staging().join("old.json"), "new").unwrap();
    fs::write(txn.staging().join("added.json"), "added").unwrap();
    // Until the commit, the folder is the old one.
    assert_eq!(fs::read_to_string(reports.join("old.json")).unwrap(), "old");
    assert!(!reports.join("added.json").exists());
    txn.commit().unwrap();
    assert_eq!(fs::read_to_string(reports.join("old.json")).unwrap(), "new");
    assert_eq!(
        fs::read_to_string(reports.join("added.json")).unwrap(),
        "added"
    );
    assert_eq!(
        fs::read_to_string(reports.join("sweeps/kept.json")).unwrap(),
        "kept"
    );
    // Nothing is left beside it.
    assert_eq!(names(dir.path()), ["reports"]);
}

#[test]
fn a_dropped_transaction_leaves_the_folder_as_it_was_and_nothing_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    fs::create_dir(&reports).unwrap();
    fs::write(reports.join("results.json"), "old").unwrap();
    {
        let txn = Transaction::begin(&reports).unwrap();
        fs::write(txn.staging().join("results.json"), "half").unwrap();
    }
    assert_eq!(
        fs::read_to_string(reports.join("results.json")).unwrap(),
        "old"
    );
    assert_eq!(names(dir.path()), ["reports"]);
    // A folder the transaction created is removed again, with those it made on the way.
    let fresh = dir.path().join("a/b/fresh");
    drop(Transaction::begin(&fresh).unwrap());
    assert_eq!(names(dir.path()), ["reports"]);
}

#[test]
fn a_second_transaction_on_the_same_folder_is_refused_while_the_first_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    let first = Transaction::begin(&reports).unwrap();
    let e = Transaction::begin(&reports).unwrap_err();
    assert!(matches!(e, Error::Busy(_)), "{e}");
    assert!(e.is_bad_input());
    assert!(e.to_string().contains("another command"), "{e}");
    // Through a link to it, too.
    let link = dir.path().join("link");
    symlink(&reports, &link).unwrap();
    assert!(matches!(Transaction::begin(&link), Err(Error::Busy(_))));
    first.commit().unwrap();
    // After the commit the folder (a new inode) can be taken again.
    Transaction::begin(&reports).unwrap().commit().unwrap();
}

#[test]
fn a_link_to_a_folder_is_followed_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    fs::create_dir(&real).unwrap();
    let link = dir.path().join("reports");
    symlink(&real, &link).unwrap();
    let txn = Transaction::begin(&link).unwrap();
    assert_eq!(txn.folder(), fs::canonicalize(&real).unwrap());
    fs::write(txn.staging().join("index.html"), "page").unwrap();
    txn.commit().unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(real.join("index.html")).unwrap(), "page");
}

#[test]
fn special_files_inside_are_carried_without_being_opened() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    fs::create_dir(&reports).unwrap();
    let fifo = std::ffi::CString::new(reports.join("peers.json").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo(3) with a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    symlink("/nowhere", reports.join("dangling")).unwrap();
    let txn = Transaction::begin(&reports).unwrap();
    let kinds = fs::symlink_metadata(txn.staging().join("peers.json")).unwrap();
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kinds.file_type()));
    assert!(
        fs::symlink_metadata(txn.staging().join("dangling"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    txn.commit().unwrap();
}

#[test]
fn copies_a_killed_run_left_are_removed_by_the_next_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    fs::create_dir(&reports).unwrap();
    let left = dir.path().join(".reports.staging-999999999");
    fs::create_dir(&left).unwrap();
    fs::write(left.join("results.json"), "half").unwrap();
    let other = dir.path().join(".flamegraphs.staging-999999999");
    fs::create_dir(&other).unwrap();
    let txn = Transaction::begin(&reports).unwrap();
    assert!(!left.exists());
    assert!(
        other.exists(),
        "another folder's copy is not this lock's to remove"
    );
    txn.commit().unwrap();
}

#[test]
fn a_file_is_not_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reports");
    fs::write(&file, "x").unwrap();
    assert!(matches!(
        Transaction::begin(&file),
        Err(Error::NotAFolder(_))
    ));
}
