// The header's menu button on narrow screens, and closing open menus (<details class="menu">)
// with Escape or a click elsewhere, as people expect of menus.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  const closeMenus = (except) => {
    document.querySelectorAll("details.menu[open]").forEach((menu) => {
      if (menu !== except && !menu.contains(except)) menu.removeAttribute("open");
    });
  };
  document.addEventListener("click", (event) => closeMenus(event.target.closest("details.menu")));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = document.activeElement && document.activeElement.closest("details.menu[open]");
    closeMenus(null);
    if (open) open.querySelector("summary").focus();
  });
});
