export { Sidebar } from "./sidebar";
export { SidebarToggles } from "./sidebar-toggles";
